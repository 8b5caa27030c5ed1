package kindcluster

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// fakeExec is a kindexec.Cmder that answers scripted command lines.
type fakeExec struct {
	mu sync.Mutex
	// answers maps "binary arg arg" to what the command prints and whether
	// it fails.
	answers map[string]fakeAnswer
	ran     []string
}

type fakeAnswer struct {
	stdout, stderr string
	fail           bool
}

func (f *fakeExec) Command(name string, args ...string) kindexec.Cmd {
	return f.CommandContext(context.Background(), name, args...)
}

func (f *fakeExec) CommandContext(_ context.Context, name string, args ...string) kindexec.Cmd {
	return &fakeCmd{f: f, argv: append([]string{name}, args...)}
}

type fakeCmd struct {
	f              *fakeExec
	argv           []string
	stdout, stderr io.Writer
}

func (c *fakeCmd) Run() error {
	line := strings.Join(c.argv, " ")
	c.f.mu.Lock()
	c.f.ran = append(c.f.ran, line)
	a, ok := c.f.answers[line]
	c.f.mu.Unlock()
	if !ok {
		a = fakeAnswer{stderr: "unexpected command " + line, fail: true}
	}
	if c.stdout != nil {
		_, _ = io.WriteString(c.stdout, a.stdout)
	}
	if c.stderr != nil {
		_, _ = io.WriteString(c.stderr, a.stderr)
	}
	if a.fail {
		return &kindexec.RunError{Command: c.argv, Output: []byte(a.stdout + a.stderr), Inner: errors.New("exit status 1")}
	}
	return nil
}

func (c *fakeCmd) SetEnv(...string) kindexec.Cmd      { return c }
func (c *fakeCmd) SetStdin(io.Reader) kindexec.Cmd    { return c }
func (c *fakeCmd) SetStdout(w io.Writer) kindexec.Cmd { c.stdout = w; return c }
func (c *fakeCmd) SetStderr(w io.Writer) kindexec.Cmd { c.stderr = w; return c }

const psNodes = "docker ps -a --filter label=io.x-k8s.kind.cluster=k8squest --format {{.Names}}"

func TestCLIRuntimeReadsNodeStates(t *testing.T) {
	fx := &fakeExec{answers: map[string]fakeAnswer{
		psNodes: {stdout: "k8squest-worker\nk8squest-control-plane\n"},
		"docker inspect --format {{.State.Status}}|{{.State.StartedAt}} k8squest-control-plane": {stdout: "exited|2026-12-01T07:00:01.5Z\n"},
		"docker inspect --format {{.State.Status}}|{{.State.StartedAt}} k8squest-worker":        {stdout: "paused|2026-12-01 07:00:02.25 +0000 UTC\n"},
		"docker start k8squest-control-plane":                                                   {stdout: "k8squest-control-plane\n"},
		"docker unpause k8squest-worker":                                                        {stdout: "k8squest-worker\n"},
	}}
	rt := cliRuntime{binary: "docker", cmder: fx}
	nodes, err := rt.Nodes(context.Background(), ClusterName)
	if err != nil {
		t.Fatal(err)
	}
	want := []nodeContainer{
		{"k8squest-control-plane", "exited", time.Date(2026, 12, 1, 7, 0, 1, 5e8, time.UTC)},
		{"k8squest-worker", "paused", time.Date(2026, 12, 1, 7, 0, 2, 25e7, time.UTC)},
	}
	if !slices.Equal(nodes, want) {
		t.Fatalf("nodes %+v, want %+v", nodes, want)
	}
	if err := rt.Start(context.Background(), stopped(nodes)); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"docker start k8squest-control-plane", "docker unpause k8squest-worker"} {
		if !slices.Contains(fx.ran, cmd) {
			t.Fatalf("ran %q, want %q among them", fx.ran, cmd)
		}
	}
}

func TestCLIRuntimeErrorCarriesOutput(t *testing.T) {
	fx := &fakeExec{answers: map[string]fakeAnswer{
		psNodes: {stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.", fail: true},
	}}
	_, err := cliRuntime{binary: "docker", cmder: fx}.Nodes(context.Background(), ClusterName)
	if err == nil || !strings.Contains(err.Error(), "Cannot connect to the Docker daemon") {
		t.Fatalf("err = %v", err)
	}
}

// testProber answers `info` for the runtimes in up, finds the binaries in
// installed and reads env from env.
func testProber(installed []string, up map[string]bool, env map[string]string) (prober, *fakeExec) {
	fx := &fakeExec{answers: map[string]fakeAnswer{}}
	for _, b := range installed {
		a := fakeAnswer{stdout: "Client: ok\n"}
		if !up[b] {
			a.stderr, a.fail = "Cannot connect to the "+b+" daemon. Is the daemon running?", true
		}
		fx.answers[b+" info"] = a
	}
	return prober{
		cmder: fx,
		lookPath: func(b string) (string, error) {
			if slices.Contains(installed, b) {
				return "/usr/bin/" + b, nil
			}
			return "", exec.ErrNotFound
		},
		getenv: func(k string) string { return env[k] },
	}, fx
}

func TestDetectRuntime(t *testing.T) {
	tests := []struct {
		name      string
		installed []string
		up        map[string]bool
		env       map[string]string
		want      Runtime
		wantErr   error
		errSays   []string
	}{
		{name: "docker answers", installed: []string{"docker", "podman"}, up: map[string]bool{"docker": true, "podman": true},
			want: Runtime{"docker", "docker"}},
		{name: "docker down, podman up: podman, unlike kind's docker -v", installed: []string{"docker", "podman"},
			up: map[string]bool{"podman": true}, want: Runtime{"podman", "podman"}},
		{name: "docker installed but down", installed: []string{"docker"}, wantErr: ErrRuntimeNotAnswering,
			errSays: []string{"Docker is installed but not answering", "Cannot connect to the docker daemon", "Docker Desktop", "--provider sim"}},
		{name: "nothing installed", wantErr: ErrNoContainerRuntime},
		{name: "env names podman", installed: []string{"docker", "podman"}, up: map[string]bool{"docker": true, "podman": true},
			env: map[string]string{EnvKindProvider: "podman"}, want: Runtime{"podman", "podman"}},
		{name: "env names finch", installed: []string{"docker", "finch"}, up: map[string]bool{"docker": true, "finch": true},
			env: map[string]string{EnvKindProvider: "finch"}, want: Runtime{"nerdctl", "finch"}},
		{name: "env names a runtime that is down", installed: []string{"docker", "podman"}, up: map[string]bool{"docker": true},
			env: map[string]string{EnvKindProvider: "podman"}, wantErr: ErrRuntimeNotAnswering, errSays: []string{EnvKindProvider, "podman machine start"}},
		{name: "env names a runtime that is not installed", installed: []string{"docker"}, up: map[string]bool{"docker": true},
			env: map[string]string{EnvKindProvider: "podman"}, errSays: []string{EnvKindProvider, "podman is not installed"}},
		{name: "env names nonsense", installed: []string{"docker"}, up: map[string]bool{"docker": true},
			env: map[string]string{EnvKindProvider: "lxc"}, errSays: []string{EnvKindProvider, `"lxc"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, _ := testProber(tt.installed, tt.up, tt.env)
			rt, err := pr.detect(context.Background())
			if tt.wantErr == nil && tt.errSays == nil {
				if err != nil || rt != tt.want {
					t.Fatalf("detect = %+v, %v; want %+v", rt, err, tt.want)
				}
				return
			}
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.env != nil && errors.Is(err, ErrNoContainerRuntime) {
				t.Fatalf("err = %v: a runtime named in $%s must not let the game fall back to the sim", err, EnvKindProvider)
			}
			for _, s := range tt.errSays {
				if !strings.Contains(err.Error(), s) {
					t.Fatalf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestProviderUsesTheRuntimeItIsGiven(t *testing.T) {
	p := New(Options{StateDir: t.TempDir(), Runtime: Runtime{Name: "podman"}})
	p.detect = func(context.Context) (Runtime, error) {
		t.Fatal("detected a runtime it was given")
		return Runtime{}, nil
	}
	if rt, err := p.Runtime(); err != nil || rt != (Runtime{"podman", "podman"}) {
		t.Fatalf("Runtime = %+v, %v", rt, err)
	}
}

func TestProviderSaysWhenDockerDoesNotAnswer(t *testing.T) {
	p := New(Options{StateDir: t.TempDir()})
	pr, _ := testProber([]string{"docker"}, nil, nil)
	p.detect = pr.detect
	_, err := p.Up(context.Background())
	if !errors.Is(err, ErrRuntimeNotAnswering) || !strings.Contains(err.Error(), "Docker is installed but not answering") {
		t.Fatalf("err = %v", err)
	}
}

// stubNodes is a nodeRuntime with fixed node containers.
type stubNodes struct{ nodes []nodeContainer }

func (r *stubNodes) Nodes(context.Context, string) ([]nodeContainer, error) {
	return r.nodes, nil
}

func (r *stubNodes) Start(context.Context, []nodeContainer) error {
	for i := range r.nodes {
		r.nodes[i].State = "running"
	}
	return nil
}

func TestEarliestStartUsesTheRuntimeClock(t *testing.T) {
	before := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	at := before.Add(-5 * time.Second) // the runtime's clock is behind the host's
	rt := &stubNodes{nodes: []nodeContainer{{Name: "a", State: "running", StartedAt: at.Add(time.Second)}, {Name: "b", State: "running", StartedAt: at}}}
	if got := earliestStart(context.Background(), rt, rt.nodes, before); !got.Equal(at) {
		t.Fatalf("earliestStart = %v, want the runtime's %v", got, at)
	}
	rt.nodes[1].StartedAt = time.Time{}
	if got := earliestStart(context.Background(), rt, rt.nodes, before); !got.Equal(before.Add(-clockSlack)) {
		t.Fatalf("earliestStart = %v, want the host's clock less the slack", got)
	}
}
