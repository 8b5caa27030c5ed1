// Package kindcluster is the kind provider: a thin adapter over
// sigs.k8s.io/kind/pkg/cluster that creates one cluster called k8squest and
// keeps its kubeconfig in the game's state directory, never ~/.kube/config.
//
// kind's Create takes no context. When Up's context ends during a create, Up
// returns at once with the context's error while kind carries on until the
// process exits; a half-made cluster left behind answers no API requests, so
// the next Up finds it unhealthy, deletes it and creates it again.
package kindcluster

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	kind "sigs.k8s.io/kind/pkg/cluster"
	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/xdg"
)

// Name is the provider's name.
const Name = "kind"

// ClusterName is the name of the kind cluster the game creates.
const ClusterName = "k8squest"

// DefaultWaitForReady bounds kind's wait for the control plane to be ready.
const DefaultWaitForReady = 3 * time.Minute

// ErrNoContainerRuntime says that neither Docker nor Podman is available.
var ErrNoContainerRuntime = errors.New("no container runtime found: install Docker or Podman, or use --provider sim")

// kindAPI is the part of *kind.Provider the game uses.
type kindAPI interface {
	List() ([]string, error)
	Create(name string, opts ...kind.CreateOption) error
	Delete(name, kubeconfigPath string) error
	KubeConfig(name string, internal bool) (string, error)
}

var _ kindAPI = (*kind.Provider)(nil)

// Options configure the kind provider. Zero values mean the defaults.
type Options struct {
	// StateDir holds the game kubeconfig under kind/; default xdg.StateDir().
	StateDir string
	// Reporter receives kind's progress lines as events.
	Reporter cluster.Reporter
	// WaitForReady bounds the wait for the control plane; default DefaultWaitForReady.
	WaitForReady time.Duration
	// CreateOptions are the node image and kind config a create uses.
	CreateOptions
}

// Provider runs the kind cluster. It implements cluster.Provider.
type Provider struct {
	opts Options
	// newAPI builds the kind client; tests replace it with a fake.
	newAPI func(kindlog.Logger) (kindAPI, error)
	// ping checks that the API server answers; tests replace it.
	ping pinger
}

var _ cluster.Provider = (*Provider)(nil)

// New returns a kind provider with defaults filled in.
func New(o Options) *Provider {
	if o.StateDir == "" {
		o.StateDir = xdg.StateDir()
	}
	if o.WaitForReady == 0 {
		o.WaitForReady = DefaultWaitForReady
	}
	return &Provider{opts: o, newAPI: detectAPI, ping: pingAPI}
}

// Name implements cluster.Provider.
func (p *Provider) Name() string { return Name }

// KubeconfigPath is the game's own kubeconfig for the kind cluster.
func (p *Provider) KubeconfigPath() string {
	return filepath.Join(p.opts.StateDir, "kind", "kubeconfig")
}

// detectAPI builds a kind client on the node runtime kind itself detects.
func detectAPI(l kindlog.Logger) (kindAPI, error) {
	opt, err := kind.DetectNodeProvider()
	if err != nil {
		return nil, fmt.Errorf("detect a node runtime for kind: %w: %w", ErrNoContainerRuntime, err)
	}
	return kind.NewProvider(kind.ProviderWithLogger(l), opt), nil
}

func (p *Provider) api() (kindAPI, error) {
	return p.newAPI(newLogger(p.opts.Reporter))
}

// Install implements cluster.Provider. kind needs only a container runtime;
// the node image is pulled by Up.
func (p *Provider) Install(ctx context.Context) error {
	_, err := p.api()
	return err
}
