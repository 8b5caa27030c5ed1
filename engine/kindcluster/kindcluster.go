// Package kindcluster is the kind provider: a thin adapter over
// sigs.k8s.io/kind/pkg/cluster that creates one cluster called k8squest and
// keeps its kubeconfig in the game's state directory, never ~/.kube/config.
//
// kind's Create takes no context. When Up's context ends during a create, Up
// returns at once with the context's error while kind carries on until the
// process exits. The next Up finds the half-made cluster unhealthy and says
// what is wrong; it deletes it and creates it again only when told to
// (Options.Recreate). A stopped cluster (after `docker stop` or a reboot)
// is started again, never deleted.
package kindcluster

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	kind "sigs.k8s.io/kind/pkg/cluster"
	kindexec "sigs.k8s.io/kind/pkg/exec"
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
	// Runtime is the container runtime for the nodes; the zero value means
	// DetectRuntime.
	Runtime Runtime
	// Recreate lets Up delete an unhealthy cluster and create it again;
	// without it Up returns an *UnhealthyError.
	Recreate bool
	// CreateOptions are the node image and kind config a create uses.
	CreateOptions
}

// Provider runs the kind cluster. It implements cluster.Provider.
type Provider struct {
	opts Options
	// newAPI builds the kind client; tests replace it with a fake.
	newAPI func(kindlog.Logger) (kindAPI, error)
	// nodes looks at the node containers; tests replace it with a fake.
	nodes func() (nodeRuntime, error)
	// ping checks that the API server answers; tests replace it.
	ping pinger
	// clientset talks to the API server; tests replace it with a fake.
	clientset func(*rest.Config) (kubernetes.Interface, error)
	// apiWait bounds the wait for a starting API server; reuseWait the
	// wait for the nodes and DNS of a cluster that was already running.
	apiWait   apiWait
	reuseWait time.Duration
	// detect finds the runtime when Options.Runtime names none.
	detect func(context.Context) (Runtime, error)
	mu     sync.Mutex
	rt     *Runtime
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
	p := &Provider{opts: o, ping: pingAPI, clientset: clientsetFor,
		apiWait: apiWait{APIStartTimeout, APIPollInterval}, reuseWait: ReuseTimeout, detect: DetectRuntime}
	p.newAPI = p.kindAPI
	p.nodes = p.cliNodes
	return p
}

// ReuseTimeout bounds the wait for the nodes and cluster DNS of a cluster
// whose nodes were already running; a cluster whose nodes had to be started
// gets WaitForReady.
const ReuseTimeout = time.Minute

// Name implements cluster.Provider.
func (p *Provider) Name() string { return Name }

// KubeconfigPath is the game's own kubeconfig for the kind cluster.
func (p *Provider) KubeconfigPath() string {
	return filepath.Join(p.opts.StateDir, "kind", "kubeconfig")
}

// Runtime returns the container runtime the kind nodes run on: the one
// Options names, else the one DetectRuntime finds (asked once).
func (p *Provider) Runtime() (Runtime, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rt != nil {
		return *p.rt, nil
	}
	rt := p.opts.Runtime
	if rt.Name == "" {
		var err error
		if rt, err = p.detect(context.Background()); err != nil {
			return Runtime{}, fmt.Errorf("find a container runtime for kind: %w", err)
		}
	}
	if rt.Binary == "" {
		rt.Binary = rt.Name
	}
	p.rt = &rt
	return rt, nil
}

// kindAPI builds a kind client on the runtime that answered, so kind and
// the game agree on it.
func (p *Provider) kindAPI(l kindlog.Logger) (kindAPI, error) {
	rt, err := p.Runtime()
	if err != nil {
		return nil, err
	}
	return kind.NewProvider(kind.ProviderWithLogger(l), rt.option()), nil
}

// cliNodes looks at the node containers through the runtime's CLI.
func (p *Provider) cliNodes() (nodeRuntime, error) {
	rt, err := p.Runtime()
	if err != nil {
		return nil, err
	}
	return cliRuntime{binary: rt.Binary, cmder: kindexec.DefaultCmder}, nil
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
