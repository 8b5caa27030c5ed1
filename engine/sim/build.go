package sim

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

// buildTimes are rough cold build times on two cores, for progress messages.
var buildTimes = map[string]string{
	"kube-apiserver":          "about 4 minutes on 2 cores",
	"kube-controller-manager": "about 1-2 minutes after kube-apiserver",
	"kube-scheduler":          "about 10-20 seconds after the controller-manager",
	"etcd":                    "about 20-30 seconds",
	"kwok":                    "about 1 minute",
	"coredns":                 "about 1-2 minutes",
}

// build compiles one binary into the cache's bin directory, reporting progress.
func (p *Provider) build(ctx context.Context, b binary) error {
	gobin, err := p.goBin()
	if err != nil {
		return err
	}
	step := "build " + b.name
	detail := buildTimes[b.name] + " when nothing is cached; seconds from Go's build cache"
	p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepStarted, Detail: detail})
	start := time.Now()
	if err := p.buildIn(ctx, gobin, b); err != nil {
		p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return fmt.Errorf("build %s: %w", b.name, err)
	}
	p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepDone, Detail: elapsed(start)})
	return nil
}

func (p *Provider) buildIn(ctx context.Context, gobin string, b binary) error {
	dir := filepath.Join(p.opts.CacheDir, "build", b.module.name)
	if err := writeModule(dir, b.module); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
		if err := runGo(ctx, gobin, dir, "mod", "tidy", "-e"); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(p.binDir(), 0o755); err != nil {
		return fmt.Errorf("create bin dir: %w", err)
	}
	out := filepath.Join(p.binDir(), b.name)
	tmp := out + ".tmp"
	ld := strings.TrimSpace("-s -w " + b.module.ldflags)
	if err := runGo(ctx, gobin, dir, "build", "-trimpath", "-ldflags="+ld, "-o", tmp, b.pkg); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("install %s: %w", b.name, err)
	}
	return nil
}

// writeModule writes go.mod and tools.go for m into dir. An existing go.mod
// with the same requirements is kept, so its go.sum stays valid.
func writeModule(dir string, m *buildModule) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create build dir: %w", err)
	}
	mod := goModHeader(m)
	modPath := filepath.Join(dir, "go.mod")
	old, err := os.ReadFile(modPath)
	if err != nil || !bytes.HasPrefix(old, []byte(mod)) {
		_ = os.Remove(filepath.Join(dir, "go.sum"))
		if err := os.WriteFile(modPath, []byte(mod), 0o644); err != nil {
			return fmt.Errorf("write go.mod: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "tools.go"), []byte(toolsGo(m)), 0o644); err != nil {
		return fmt.Errorf("write tools.go: %w", err)
	}
	return nil
}

// goModHeader returns the hand-written part of the build module's go.mod;
// go mod tidy appends the indirect requirements after it.
func goModHeader(m *buildModule) string {
	var s strings.Builder
	fmt.Fprintf(&s, "module k8squest.local/simbuild/%s\n\ngo 1.26.0\n\n", m.name)
	for _, r := range m.require {
		fmt.Fprintf(&s, "require %s %s\n", r[0], r[1])
	}
	if len(m.replace) > 0 {
		s.WriteString("\nreplace (\n")
		for _, r := range m.replace {
			fmt.Fprintf(&s, "\t%s => %s\n", r[0], r[1])
		}
		s.WriteString(")\n")
	}
	return s.String()
}

func toolsGo(m *buildModule) string {
	var s strings.Builder
	s.WriteString("//go:build tools\n\npackage tools\n\nimport (\n")
	for _, p := range m.packages {
		fmt.Fprintf(&s, "\t_ %q\n", p)
	}
	s.WriteString(")\n")
	return s.String()
}

// runGo runs the go command in dir; cancelling ctx kills it and its compilers.
func runGo(ctx context.Context, gobin, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("go %s: %w", args[0], ctx.Err())
		}
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 20))
	}
	return nil
}

func elapsed(start time.Time) string {
	return time.Since(start).Round(time.Second).String()
}
