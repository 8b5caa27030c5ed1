// Package sim runs a real Kubernetes control plane as plain processes on
// 127.0.0.1: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
// kwok (a simulated node) and CoreDNS, built from source with the local Go
// toolchain when they are not already on PATH or in the cache.
package sim

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/xdg"
)

// Name is the provider's name.
const Name = "sim"

// Options configure the sim provider. Zero values mean the defaults.
type Options struct {
	// CacheDir holds built binaries (bin/) and build modules (build/);
	// default xdg.CacheDir().
	CacheDir string
	// StateDir holds the running cluster's state under sim/; default xdg.StateDir().
	StateDir string
	// Reporter receives progress events.
	Reporter cluster.Reporter
	// APIPort is the API server's port on 127.0.0.1; 0 picks a free one.
	APIPort int
	// GoBin is the go command used to build binaries; default from PATH.
	GoBin string
	// ReadyTimeout bounds how long Up waits for the started cluster; default 3 minutes.
	ReadyTimeout time.Duration
}

// Provider runs the sim cluster. It implements cluster.Provider.
type Provider struct {
	opts Options
}

var _ cluster.Provider = (*Provider)(nil)

// New returns a sim provider with defaults filled in.
func New(o Options) *Provider {
	if o.CacheDir == "" {
		o.CacheDir = xdg.CacheDir()
	}
	if o.StateDir == "" {
		o.StateDir = xdg.StateDir()
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 3 * time.Minute
	}
	return &Provider{opts: o}
}

// Name implements cluster.Provider.
func (p *Provider) Name() string { return Name }

// StateDir returns the directory holding this provider's cluster state.
func (p *Provider) StateDir() string { return p.layout().dir }

// KubeconfigPath returns where the admin kubeconfig is written.
func (p *Provider) KubeconfigPath() string { return p.layout().kubeconfig() }

func (p *Provider) layout() layout { return layout{filepath.Join(p.opts.StateDir, "sim")} }

func (p *Provider) binDir() string { return filepath.Join(p.opts.CacheDir, "bin") }

func (p *Provider) step(step string, s cluster.StepState, detail string) {
	p.opts.Reporter.Report(cluster.Event{Step: step, State: s, Detail: detail})
}

// Up implements cluster.Provider. It reuses a running cluster, cleans up a
// stale one, and otherwise starts a fresh cluster and waits until it is ready.
func (p *Provider) Up(ctx context.Context) (*cluster.Cluster, error) {
	fl, err := lockState(ctx, p.layout(), p.waitingForLock)
	if err != nil {
		return nil, err
	}
	defer unlock(fl)
	if c, err := p.reuse(ctx); c != nil || err != nil {
		return c, err
	}
	if p.opts.APIPort != 0 {
		if err := checkPortFree(p.opts.APIPort); err != nil {
			return nil, fmt.Errorf("api port %d is already in use; pick another with --api-port or free it: %w", p.opts.APIPort, err)
		}
	}
	bins, err := p.ensureBinaries(ctx)
	if err != nil {
		return nil, err
	}
	return p.start(ctx, bins)
}

// reuse returns the running cluster, or cleans up a stale state and returns nil.
func (p *Provider) reuse(ctx context.Context) (*cluster.Cluster, error) {
	l := p.layout()
	st, err := loadState(l)
	if err != nil {
		p.info("state", fmt.Sprintf("%v; cleaning up", err))
		return nil, clearState(l)
	}
	if st == nil {
		return nil, clearState(l)
	}
	if c, err := p.connectState(ctx, st); err == nil {
		p.info("up", "sim cluster already running since "+st.Started.Format(time.DateTime))
		if stale := staleConfig(l, st); stale != "" {
			p.info("up", stale)
		}
		return c, nil
	}
	p.info("up", fmt.Sprintf("found a stale sim state from %s; cleaning up", st.Started.Format(time.DateTime)))
	stopProcs(st.Procs, 10*time.Second)
	return nil, clearState(l)
}

// Connect implements cluster.Provider.
func (p *Provider) Connect(ctx context.Context) (*cluster.Cluster, error) {
	st, err := loadState(p.layout())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", cluster.ErrNotRunning, err)
	}
	if st == nil {
		return nil, fmt.Errorf("no sim cluster in %s: %w", p.layout().dir, cluster.ErrNotRunning)
	}
	return p.connectState(ctx, st)
}

// Down implements cluster.Provider. It stops exactly the processes recorded
// in the state that are still ours, then clears the state; binaries stay cached.
func (p *Provider) Down(ctx context.Context) error {
	l := p.layout()
	fl, err := lockState(ctx, l, p.waitingForLock)
	if err != nil {
		return err
	}
	defer unlock(fl)
	st, err := loadState(l)
	if st == nil || err != nil {
		p.info("down", "no sim cluster is running")
		return clearState(l)
	}
	if len(stillAlive(st.Procs)) == 0 {
		p.info("down", "no sim cluster is running (removed a stale state from "+st.Started.Format(time.DateTime)+")")
		return clearState(l)
	}
	p.step("stop sim cluster", cluster.StepStarted, "")
	start := time.Now()
	stopProcs(st.Procs, 10*time.Second)
	if err := clearState(l); err != nil {
		p.step("stop sim cluster", cluster.StepFailed, err.Error())
		return err
	}
	p.step("stop sim cluster", cluster.StepDone, elapsed(start))
	return nil
}

// State returns the recorded state of the cluster, or nil when there is none.
func (p *Provider) State() (*State, error) { return loadState(p.layout()) }

func (p *Provider) waitingForLock() {
	p.info("lock", "another k8squest is starting or stopping the sim cluster; waiting for it")
}
