package kindcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	kind "sigs.k8s.io/kind/pkg/cluster"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Up implements cluster.Provider. It creates the cluster when there is
// none. An existing one is reused: stopped node containers are started, a
// starting API server gets APIStartTimeout to answer, then every node must
// be Ready and a cluster DNS pod Ready. A cluster that stays unhealthy is
// deleted and created again only with Options.Recreate; otherwise Up
// returns an *UnhealthyError saying what is wrong.
func (p *Provider) Up(ctx context.Context) (*cluster.Cluster, error) {
	api, err := p.api()
	if err != nil {
		return nil, err
	}
	exists, err := p.exists(api)
	if err != nil {
		return nil, err
	}
	if exists {
		c, err := p.reuse(ctx, api)
		var ue *UnhealthyError
		if err == nil || !errors.As(err, &ue) || !p.opts.Recreate {
			return c, err
		}
		p.opts.Reporter.Report(cluster.Event{Step: stepReuse, State: cluster.StepInfo,
			Detail: fmt.Sprintf("kind cluster %s is unhealthy (%s); deleting it and creating it again (--recreate)", ClusterName, ue.Reason)})
		if err := api.Delete(ClusterName, p.KubeconfigPath()); err != nil {
			return nil, fmt.Errorf("delete unhealthy kind cluster %s: %w", ClusterName, withOutput(err))
		}
	}
	if err := p.create(ctx, api); err != nil {
		return nil, err
	}
	return p.afterCreate(ctx, api)
}

// stepReuse and stepStart are the progress steps of reusing a cluster.
const (
	stepReuse = "Reusing cluster"
	stepStart = "Starting the stopped kind nodes"
)

// reuse brings an existing cluster back: it starts stopped nodes, waits for
// the API server, then for Ready nodes and cluster DNS. What keeps the
// cluster from being healthy is an *UnhealthyError.
func (p *Provider) reuse(ctx context.Context, api kindAPI) (*cluster.Cluster, error) {
	startedAt, err := p.startNodes(ctx)
	if err != nil {
		return nil, err
	}
	c, err := p.clusterFor(api)
	if err != nil {
		return nil, &UnhealthyError{Reason: err.Error(), Err: err}
	}
	if err := waitAPI(ctx, p.ping, c.REST, p.opts.Reporter, p.apiWait); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &UnhealthyError{Reason: err.Error(), Err: err}
	}
	budget := p.reuseWait
	if !startedAt.IsZero() {
		budget = p.opts.WaitForReady
	}
	if err := p.waitHealthy(ctx, c, budget, startedAt); err != nil {
		return nil, err
	}
	return c, nil
}

// startNodes starts the cluster's stopped node containers and returns when
// the earliest of them started, on the runtime's clock; zero when none had
// to be started.
func (p *Provider) startNodes(ctx context.Context) (time.Time, error) {
	rt, err := p.nodes()
	if err != nil {
		return time.Time{}, err
	}
	nodes, err := rt.Nodes(ctx, ClusterName)
	if err != nil {
		return time.Time{}, err
	}
	if len(nodes) == 0 {
		return time.Time{}, &UnhealthyError{Reason: "it has no node containers"}
	}
	down := stopped(nodes)
	if len(down) == 0 {
		return time.Time{}, nil
	}
	before := time.Now()
	rep := p.opts.Reporter
	rep.Report(cluster.Event{Step: stepStart, State: cluster.StepStarted, Detail: describeNodes(down)})
	if err := rt.Start(ctx, down); err != nil {
		rep.Report(cluster.Event{Step: stepStart, State: cluster.StepFailed, Detail: err.Error()})
		if ctx.Err() != nil {
			return time.Time{}, err
		}
		return time.Time{}, &UnhealthyError{Reason: err.Error(), Err: err}
	}
	rep.Report(cluster.Event{Step: stepStart, State: cluster.StepDone})
	return earliestStart(ctx, rt, down, before), nil
}

// clockSlack is how far the host's clock may be ahead of the runtime's
// when the runtime does not say when a node started.
const clockSlack = 30 * time.Second

// earliestStart asks the runtime when the started nodes started; when it
// cannot say, it falls back to the host's clock before the start, less
// clockSlack.
func earliestStart(ctx context.Context, rt nodeRuntime, started []nodeContainer, before time.Time) time.Time {
	fallback := before.Add(-clockSlack)
	nodes, err := rt.Nodes(ctx, ClusterName)
	if err != nil {
		return fallback
	}
	var first time.Time
	for _, n := range nodes {
		if !slices.ContainsFunc(started, func(s nodeContainer) bool { return s.Name == n.Name }) {
			continue
		}
		if n.StartedAt.IsZero() {
			return fallback
		}
		if first.IsZero() || n.StartedAt.Before(first) {
			first = n.StartedAt
		}
	}
	if first.IsZero() {
		return fallback
	}
	return first
}

// waitHealthy waits up to budget for Ready nodes and a Ready DNS pod that
// ran again since the nodes were started at since (zero: not started).
func (p *Provider) waitHealthy(ctx context.Context, c *cluster.Cluster, budget time.Duration, since time.Time) error {
	cs, err := p.clientset(c.REST)
	if err != nil {
		return err
	}
	problem, err := waitHealthy(ctx, cs, p.opts.Reporter, budget, since)
	switch {
	case err != nil && ctx.Err() != nil:
		return err
	case err != nil:
		return &UnhealthyError{Reason: err.Error(), Err: err}
	case problem != "":
		return &UnhealthyError{Reason: problem + " (waited " + budget.String() + ")"}
	}
	return nil
}

// afterCreate connects to a new cluster and waits, within WaitForReady,
// for what kind's own wait leaves out: cluster DNS (and the nodes, when
// kind's wait timed out with only a warning).
func (p *Provider) afterCreate(ctx context.Context, api kindAPI) (*cluster.Cluster, error) {
	c, err := p.clusterFor(api)
	if err != nil {
		return nil, err
	}
	if err := waitAPI(ctx, p.ping, c.REST, p.opts.Reporter, p.apiWait); err != nil {
		return nil, fmt.Errorf("kind cluster %s was created but %w", ClusterName, err)
	}
	if err := p.waitHealthy(ctx, c, p.opts.WaitForReady, time.Time{}); err != nil {
		return nil, fmt.Errorf("kind cluster %s was created: %w", ClusterName, err)
	}
	return c, nil
}

// create runs kind's Create, which cannot be cancelled, in the background
// and stops waiting for it when ctx ends.
func (p *Provider) create(ctx context.Context, api kindAPI) error {
	if err := os.MkdirAll(filepath.Dir(p.KubeconfigPath()), 0o700); err != nil {
		return fmt.Errorf("create kind state directory: %w", err)
	}
	opts, err := p.createOptions()
	if err != nil {
		return fmt.Errorf("create kind cluster %s: %w", ClusterName, err)
	}
	done := make(chan error, 1)
	go func() { done <- api.Create(ClusterName, opts...) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("create kind cluster %s: %w", ClusterName, withOutput(err))
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("create kind cluster %s (left for the next up to clean): %w", ClusterName, ctx.Err())
	}
}

// createOptions never let kind touch ~/.kube/config. The cluster config is
// the user's file, if any, with the game's admission plugins merged in.
func (p *Provider) createOptions() ([]kind.CreateOption, error) {
	cfg, err := p.opts.clusterConfig()
	if err != nil {
		return nil, err
	}
	return append([]kind.CreateOption{
		kind.CreateWithV1Alpha4Config(cfg),
		kind.CreateWithKubeconfigPath(p.KubeconfigPath()),
		kind.CreateWithWaitForReady(p.opts.WaitForReady),
		kind.CreateWithDisplayUsage(false),
		kind.CreateWithDisplaySalutation(false),
	}, p.opts.kindOptions()...), nil
}

// Connect implements cluster.Provider. It starts nothing: a cluster whose
// node containers are stopped is ErrNotRunning, one that answers but is not
// healthy (a node NotReady, no Ready cluster DNS pod) an *UnhealthyError.
func (p *Provider) Connect(ctx context.Context) (*cluster.Cluster, error) {
	api, err := p.api()
	if err != nil {
		return nil, err
	}
	exists, err := p.exists(api)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, fmt.Errorf("kind cluster %s: %w (run `k8squest cluster up`)", ClusterName, cluster.ErrNotRunning)
	}
	if err := p.running(ctx); err != nil {
		return nil, err
	}
	c, err := p.clusterFor(api)
	if err != nil {
		return nil, err
	}
	if err := p.ping(ctx, c.REST); err != nil {
		return nil, fmt.Errorf("kind cluster %s: %w", ClusterName, err)
	}
	cs, err := p.clientset(c.REST)
	if err != nil {
		return nil, err
	}
	problem, err := checkHealth(ctx, cs)
	if err != nil {
		return nil, fmt.Errorf("kind cluster %s: %w", ClusterName, err)
	}
	if problem != "" {
		return nil, &UnhealthyError{Reason: problem, Looked: true}
	}
	return c, nil
}

// running says, as ErrNotRunning, which node containers are stopped.
func (p *Provider) running(ctx context.Context) error {
	rt, err := p.nodes()
	if err != nil {
		return err
	}
	nodes, err := rt.Nodes(ctx, ClusterName)
	if err != nil {
		return err
	}
	if down := stopped(nodes); len(down) > 0 {
		return fmt.Errorf("kind cluster %s: %w: its node containers are stopped: %s (`k8squest cluster up` starts them)",
			ClusterName, cluster.ErrNotRunning, describeNodes(down))
	}
	return nil
}

// clusterFor writes the game kubeconfig from kind and returns the cluster
// it describes.
func (p *Provider) clusterFor(api kindAPI) (*cluster.Cluster, error) {
	raw, err := api.KubeConfig(ClusterName, false)
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig of kind cluster %s: %w", ClusterName, withOutput(err))
	}
	if err := writeFile(p.KubeconfigPath(), []byte(raw)); err != nil {
		return nil, err
	}
	rc, err := clientcmd.RESTConfigFromKubeConfig([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("parse kubeconfig of kind cluster %s: %w", ClusterName, err)
	}
	return &cluster.Cluster{
		Provider: Name, Name: ClusterName, Kubeconfig: p.KubeconfigPath(),
		Context: "kind-" + ClusterName, REST: rc, Domain: cluster.DefaultDomain,
	}, nil
}

// Down implements cluster.Provider; deleting a missing cluster is not an error.
func (p *Provider) Down(ctx context.Context) error {
	api, err := p.api()
	if err != nil {
		return err
	}
	exists, err := p.exists(api)
	if err != nil || !exists {
		return err
	}
	if err := api.Delete(ClusterName, p.KubeconfigPath()); err != nil {
		return fmt.Errorf("delete kind cluster %s: %w", ClusterName, withOutput(err))
	}
	return nil
}

// Status implements cluster.Provider.
func (p *Provider) Status(ctx context.Context) (cluster.Status, error) {
	api, err := p.api()
	if err != nil {
		return cluster.Status{}, err
	}
	exists, err := p.exists(api)
	if err != nil || !exists {
		return cluster.Status{Lines: []string{"kind cluster " + ClusterName + ": not created"}}, err
	}
	lines := []string{"kind cluster " + ClusterName, "kubeconfig: " + p.KubeconfigPath()}
	if rt, err := p.nodes(); err == nil {
		if nodes, err := rt.Nodes(ctx, ClusterName); err == nil {
			lines = append(lines, "node containers: "+describeNodes(nodes))
		}
	}
	if _, err := p.Connect(ctx); err != nil {
		return cluster.Status{Lines: append(lines, "health: "+err.Error())}, nil //nolint:nilerr // an unhealthy cluster is a status to show
	}
	return cluster.Status{Running: true, Lines: append(lines, "health: API answering, nodes Ready, cluster DNS Ready")}, nil
}

func (p *Provider) exists(api kindAPI) (bool, error) {
	names, err := api.List()
	if err != nil {
		return false, fmt.Errorf("list kind clusters (is the Docker or Podman daemon running? start it, or use --provider sim): %w",
			withOutput(err))
	}
	return slices.Contains(names, ClusterName), nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}
