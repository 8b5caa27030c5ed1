// Package currentcluster is the "current" provider: the cluster of the
// player's own kubeconfig context, found exactly as kubectl finds it
// (--kubeconfig, else $KUBECONFIG, else ~/.kube/config; --context, else the
// current-context). The game never creates or deletes that cluster.
package currentcluster

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/xdg"
)

// Name is the provider's name.
const Name = "current"

// DefaultPingTimeout bounds the check that the API server answers.
const DefaultPingTimeout = 5 * time.Second

// Options configure the current provider. Zero values mean the defaults.
type Options struct {
	// Kubeconfig is an explicit kubeconfig file, as kubectl's --kubeconfig.
	Kubeconfig string
	// Context overrides the current-context, as kubectl's --context.
	Context string
	// StateDir holds a flattened kubeconfig under current/ when KUBECONFIG
	// lists several files; default xdg.StateDir().
	StateDir string
	// PingTimeout bounds the API check; default DefaultPingTimeout.
	PingTimeout time.Duration
	// PluginTimeout bounds the first run of the context's credential
	// plugin, if it has one; default DefaultPluginTimeout.
	PluginTimeout time.Duration
	// Reporter receives a step while a credential plugin is slow.
	Reporter cluster.Reporter
}

// Provider connects to the current kubeconfig context. It implements cluster.Provider.
type Provider struct {
	opts Options
}

var _ cluster.Provider = (*Provider)(nil)

// New returns a current provider with defaults filled in.
func New(o Options) *Provider {
	if o.StateDir == "" {
		o.StateDir = xdg.StateDir()
	}
	if o.PingTimeout == 0 {
		o.PingTimeout = DefaultPingTimeout
	}
	if o.PluginTimeout == 0 {
		o.PluginTimeout = DefaultPluginTimeout
	}
	return &Provider{opts: o}
}

// Name implements cluster.Provider.
func (p *Provider) Name() string { return Name }

// FlatKubeconfigPath is where a flattened copy of a multi-file KUBECONFIG goes.
func (p *Provider) FlatKubeconfigPath() string {
	return filepath.Join(p.opts.StateDir, "current", "kubeconfig")
}

// Install implements cluster.Provider; there is nothing to install.
func (p *Provider) Install(ctx context.Context) error {
	return notManaged("install")
}

// Up implements cluster.Provider: the cluster must already be running.
func (p *Provider) Up(ctx context.Context) (*cluster.Cluster, error) {
	return p.Connect(ctx)
}

// Down implements cluster.Provider: the game never deletes the player's cluster.
func (p *Provider) Down(ctx context.Context) error {
	return notManaged("stop or delete")
}

func notManaged(what string) error {
	return fmt.Errorf("the current provider plays on your own kubeconfig cluster, so k8squest does not %s it; "+
		"manage it yourself, or use --provider kind or sim: %w", what, cluster.ErrNotManaged)
}

// Connect implements cluster.Provider: it loads the kubeconfig, gets a
// credential from its plugin if it has one (see SignIn), and checks that
// the API server answers; a silent server gives an error wrapping
// cluster.ErrNotRunning.
func (p *Provider) Connect(ctx context.Context) (*cluster.Cluster, error) {
	l, err := p.load()
	if err != nil {
		return nil, err
	}
	if err := p.signIn(ctx, l); err != nil {
		return nil, fmt.Errorf("context %q: %w", l.context, err)
	}
	if err := ping(ctx, l.rest, p.opts.PingTimeout); err != nil {
		return nil, fmt.Errorf("context %q (%s): %w: %w", l.context, l.rest.Host, cluster.ErrNotRunning, err)
	}
	path, err := p.kubeconfigFor(l)
	if err != nil {
		return nil, err
	}
	return &cluster.Cluster{
		Provider: Name, Name: l.context, Kubeconfig: path, Context: l.context,
		REST: l.rest, Domain: cluster.DefaultDomain,
	}, nil
}

// SignIn runs the context's credential plugin, when it has one and no
// credential is cached yet, and waits for it up to the plugin timeout, so
// that a slow plugin does not eat the API check's time. Call it before a
// full-screen interface owns the terminal; the plugin never gets the
// terminal's input, and what it writes to stderr goes to the debug log.
func (p *Provider) SignIn(ctx context.Context) error {
	l, err := p.load()
	if err != nil {
		return err
	}
	if err := p.signIn(ctx, l); err != nil {
		return fmt.Errorf("context %q: %w", l.context, err)
	}
	return nil
}

// Status implements cluster.Provider.
func (p *Provider) Status(ctx context.Context) (cluster.Status, error) {
	l, err := p.load()
	if err != nil {
		return cluster.Status{}, err
	}
	lines := []string{"context: " + l.context, "server: " + l.rest.Host}
	if err := p.signIn(ctx, l); err != nil {
		if errors.Is(err, context.Canceled) {
			return cluster.Status{}, err
		}
		return cluster.Status{Lines: append(lines, "API: no credential: "+err.Error())}, nil
	}
	if err := ping(ctx, l.rest, p.opts.PingTimeout); err != nil {
		if errors.Is(err, context.Canceled) {
			return cluster.Status{}, err
		}
		return cluster.Status{Lines: append(lines, "API: not answering: "+err.Error())}, nil
	}
	return cluster.Status{Running: true, Lines: append(lines, "API: answering")}, nil
}
