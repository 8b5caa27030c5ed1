package sim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

// ErrNoGo says that a binary must be built but no Go toolchain was found.
var ErrNoGo = errors.New("no Go toolchain found")

// Install finds or builds every binary the sim cluster runs, without starting anything.
func (p *Provider) Install(ctx context.Context) error {
	_, err := p.ensureBinaries(ctx)
	return err
}

// ensureBinaries returns the path of every binary by name, building what is missing.
func (p *Provider) ensureBinaries(ctx context.Context) (map[string]string, error) {
	paths := make(map[string]string, len(binaries))
	for _, b := range binaries {
		path, err := p.ensureBinary(ctx, b)
		if err != nil {
			return nil, err
		}
		paths[b.name] = path
	}
	return paths, nil
}

func (p *Provider) ensureBinary(ctx context.Context, b binary) (string, error) {
	if path, ok := p.fromPath(ctx, b); ok {
		return path, nil
	}
	cached := filepath.Join(p.binDir(), b.name)
	if _, err := os.Stat(cached); err == nil {
		verr := p.verify(ctx, b, cached)
		if verr == nil {
			return cached, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		p.info("check "+b.name, fmt.Sprintf("cached %s is corrupt or the wrong version (%v); removing it and rebuilding", b.name, verr))
		if err := os.Remove(cached); err != nil {
			return "", fmt.Errorf("remove bad cached %s: %w", b.name, err)
		}
	}
	if err := p.build(ctx, b); err != nil {
		return "", err
	}
	if err := p.verify(ctx, b, cached); err != nil {
		return "", fmt.Errorf("verify freshly built %s: %w", b.name, err)
	}
	return cached, nil
}

// fromPath returns b's binary from PATH when its version is the pinned one.
func (p *Provider) fromPath(ctx context.Context, b binary) (string, bool) {
	path, err := exec.LookPath(b.name)
	if err != nil {
		return "", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	if err := p.verify(ctx, b, abs); err != nil {
		p.info("check "+b.name, fmt.Sprintf("ignoring %s on PATH: %v", abs, err))
		return "", false
	}
	return abs, true
}

// verify runs the binary's version flag and checks the pinned version.
func (p *Provider) verify(ctx context.Context, b binary, path string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, b.flag).CombinedOutput()
	if err != nil {
		return fmt.Errorf("run %s %s: %w", path, b.flag, err)
	}
	if !versionMatches(string(out), b.version) {
		return fmt.Errorf("%s reports %q, want %q", path, firstLine(string(out)), b.version)
	}
	return nil
}

// goBin returns the Go toolchain to build with, or an error saying what to do.
func (p *Provider) goBin() (string, error) {
	gobin := p.opts.GoBin
	if gobin == "" {
		var err error
		if gobin, err = exec.LookPath("go"); err != nil {
			return "", p.noGoError()
		}
	}
	if _, err := os.Stat(gobin); err != nil {
		return "", p.noGoError()
	}
	return gobin, nil
}

func (p *Provider) noGoError() error {
	names := ""
	for i, b := range binaries {
		if i > 0 {
			names += ", "
		}
		names += b.name
	}
	return fmt.Errorf("%w: the sim cluster needs %s (kubernetes %s, etcd %s, kwok %s, coredns %s) "+
		"and builds them from source with Go; install Go (https://go.dev/dl), "+
		"or put those binaries on PATH or in %s", ErrNoGo, names,
		KubernetesVersion, EtcdVersion, KwokVersion, CoreDNSVersion, p.binDir())
}

func (p *Provider) info(step, detail string) {
	p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepInfo, Detail: detail})
}
