package kindcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	kind "sigs.k8s.io/kind/pkg/cluster"
	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// EnvKindProvider is the variable kind's own CLI reads to pick a node
// runtime; the game honours it the same way.
const EnvKindProvider = "KIND_EXPERIMENTAL_PROVIDER"

// RuntimeTimeout bounds each `<runtime> info` probe.
const RuntimeTimeout = 5 * time.Second

// ErrRuntimeNotAnswering says that a container runtime is installed but its
// daemon (or machine) does not answer.
var ErrRuntimeNotAnswering = errors.New("container runtime is installed but not answering")

// Runtime is the container runtime that runs the kind nodes.
type Runtime struct {
	// Name is how kind calls it: docker, podman or nerdctl.
	Name string
	// Binary is the command to run: docker, podman, nerdctl, finch or nerdctl.lima.
	Binary string
}

// autoRuntimes are the runtimes tried when nothing names one, in kind's
// order of preference.
var autoRuntimes = []Runtime{
	{Name: "docker", Binary: "docker"},
	{Name: "nerdctl", Binary: "nerdctl"},
	{Name: "nerdctl", Binary: "finch"},
	{Name: "podman", Binary: "podman"},
}

// runtimeFromEnv maps a KIND_EXPERIMENTAL_PROVIDER value to a runtime, as
// kind's CLI does; ok is false for an unknown value.
func runtimeFromEnv(v string) (rt Runtime, ok bool) {
	switch v {
	case "docker", "podman":
		return Runtime{Name: v, Binary: v}, true
	case "nerdctl", "finch", "nerdctl.lima":
		return Runtime{Name: "nerdctl", Binary: v}, true
	}
	return Runtime{}, false
}

// option is the kind provider option for rt.
func (rt Runtime) option() kind.ProviderOption {
	switch rt.Name {
	case "podman":
		return kind.ProviderWithPodman()
	case "nerdctl":
		return kind.ProviderWithNerdctl(rt.Binary)
	default:
		return kind.ProviderWithDocker()
	}
}

// prober finds the runtime whose daemon answers. Its fields are the outside
// world, so tests can replace them.
type prober struct {
	cmder    kindexec.Cmder
	lookPath func(string) (string, error)
	getenv   func(string) string
}

// localProber asks the real machine.
func localProber() prober {
	return prober{cmder: kindexec.DefaultCmder, lookPath: exec.LookPath, getenv: os.Getenv}
}

// DetectRuntime returns the container runtime kind should use: the one
// KIND_EXPERIMENTAL_PROVIDER names, else the first of Docker, nerdctl,
// finch and Podman whose `info` answers. When one is installed but none
// answers, the error wraps ErrRuntimeNotAnswering and carries the runtime's
// own words; when none is installed, it wraps ErrNoContainerRuntime.
func DetectRuntime(ctx context.Context) (Runtime, error) {
	return localProber().detect(ctx)
}

func (p prober) detect(ctx context.Context) (Runtime, error) {
	if v := strings.TrimSpace(p.getenv(EnvKindProvider)); v != "" {
		rt, ok := runtimeFromEnv(v)
		if !ok {
			return Runtime{}, fmt.Errorf("$%s=%q: not a runtime kind knows (docker, podman, nerdctl, finch, nerdctl.lima)", EnvKindProvider, v)
		}
		err := p.answers(ctx, rt)
		switch {
		case err == nil:
			return rt, nil
		case errors.Is(err, ErrNoContainerRuntime):
			// Asked for by name: not a reason to fall back to the sim.
			return Runtime{}, fmt.Errorf("$%s is %s, but %s is not installed (unset it to let the game choose)", EnvKindProvider, v, rt.Binary)
		default:
			return Runtime{}, fmt.Errorf("$%s is %s: %w", EnvKindProvider, v, err)
		}
	}
	var down error
	for _, rt := range autoRuntimes {
		err := p.answers(ctx, rt)
		if err == nil {
			return rt, nil
		}
		if down == nil && errors.Is(err, ErrRuntimeNotAnswering) {
			down = err
		}
	}
	if down != nil {
		return Runtime{}, down
	}
	return Runtime{}, ErrNoContainerRuntime
}

// answers runs `<binary> info` within RuntimeTimeout. A missing binary is
// ErrNoContainerRuntime; a binary whose daemon fails to answer is
// ErrRuntimeNotAnswering with what it printed.
func (p prober) answers(ctx context.Context, rt Runtime) error {
	if _, err := p.lookPath(rt.Binary); err != nil {
		return fmt.Errorf("%s: %w", rt.Binary, ErrNoContainerRuntime)
	}
	ctx, cancel := context.WithTimeout(ctx, RuntimeTimeout)
	defer cancel()
	var stdout, stderr strings.Builder
	cmd := p.cmder.CommandContext(ctx, rt.Binary, "info")
	cmd.SetStdout(&stdout)
	cmd.SetStderr(&stderr)
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %s", RuntimeTimeout)
	}
	// The reason is on stderr; stdout holds the client's own facts.
	out := lastLines(stderr.String(), 3)
	if out == "" {
		out = lastLines(stdout.String(), 3)
	}
	return &downError{rt: rt, err: err, output: out}
}

// downError says a runtime is installed but `info` failed.
type downError struct {
	rt     Runtime
	err    error
	output string
}

// Error implements error.
func (e *downError) Error() string {
	what := e.err.Error()
	if e.output != "" {
		what = e.output
	}
	return fmt.Sprintf("%s is installed but not answering (`%s info`: %s): %s, or pass --provider sim",
		displayName(e.rt.Binary), e.rt.Binary, what, startAdvice(e.rt.Binary))
}

// Is makes errors.Is(err, ErrRuntimeNotAnswering) true.
func (e *downError) Is(target error) bool { return target == ErrRuntimeNotAnswering }

// Unwrap returns the command's error.
func (e *downError) Unwrap() error { return e.err }

func displayName(binary string) string {
	switch binary {
	case "docker":
		return "Docker"
	case "podman":
		return "Podman"
	}
	return binary
}

// startAdvice says how to bring a runtime's daemon up.
func startAdvice(binary string) string {
	switch binary {
	case "docker":
		return "start Docker Desktop or the docker service (`sudo systemctl start docker`)"
	case "podman":
		return "start the Podman machine (`podman machine start`) or the podman service"
	case "finch":
		return "start the finch VM (`finch vm start`)"
	}
	return "start containerd and " + binary
}

// lastLines keeps the last n non-empty lines of s, joined by "; ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}
