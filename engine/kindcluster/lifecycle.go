package kindcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	kind "sigs.k8s.io/kind/pkg/cluster"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Up implements cluster.Provider: it reuses a healthy k8squest cluster,
// deletes an unhealthy one (such as one left half-made by a cancelled Up),
// and creates the cluster when there is none.
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
		c, err := p.connect(ctx, api)
		if err == nil {
			return c, nil
		}
		p.opts.Reporter.Report(cluster.Event{Step: "Reusing cluster", State: cluster.StepInfo,
			Detail: fmt.Sprintf("existing cluster %s is unhealthy (%v); deleting it", ClusterName, err)})
		if err := api.Delete(ClusterName, p.KubeconfigPath()); err != nil {
			return nil, fmt.Errorf("delete unhealthy kind cluster %s: %w", ClusterName, err)
		}
	}
	if err := p.create(ctx, api); err != nil {
		return nil, err
	}
	return p.connect(ctx, api)
}

// create runs kind's Create, which cannot be cancelled, in the background
// and stops waiting for it when ctx ends.
func (p *Provider) create(ctx context.Context, api kindAPI) error {
	if err := os.MkdirAll(filepath.Dir(p.KubeconfigPath()), 0o700); err != nil {
		return fmt.Errorf("create kind state directory: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- api.Create(ClusterName, p.createOptions()...) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("create kind cluster %s: %w", ClusterName, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("create kind cluster %s (left for the next up to clean): %w", ClusterName, ctx.Err())
	}
}

// createOptions never let kind touch ~/.kube/config.
func (p *Provider) createOptions() []kind.CreateOption {
	return append([]kind.CreateOption{
		kind.CreateWithV1Alpha4Config(clusterConfig()),
		kind.CreateWithKubeconfigPath(p.KubeconfigPath()),
		kind.CreateWithWaitForReady(p.opts.WaitForReady),
		kind.CreateWithDisplayUsage(false),
		kind.CreateWithDisplaySalutation(false),
	}, p.opts.kindOptions()...)
}

// clusterConfig is one control-plane node with kind's defaults.
func clusterConfig() *v1alpha4.Cluster {
	return &v1alpha4.Cluster{
		TypeMeta: v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
		Name:     ClusterName,
		Nodes:    []v1alpha4.Node{{Role: v1alpha4.ControlPlaneRole}},
	}
}

// Connect implements cluster.Provider.
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
	return p.connect(ctx, api)
}

// connect writes the game kubeconfig from kind and checks the API answers.
func (p *Provider) connect(ctx context.Context, api kindAPI) (*cluster.Cluster, error) {
	raw, err := api.KubeConfig(ClusterName, false)
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig of kind cluster %s: %w", ClusterName, err)
	}
	if err := writeFile(p.KubeconfigPath(), []byte(raw)); err != nil {
		return nil, err
	}
	rc, err := clientcmd.RESTConfigFromKubeConfig([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("parse kubeconfig of kind cluster %s: %w", ClusterName, err)
	}
	if err := p.ping(ctx, rc); err != nil {
		return nil, fmt.Errorf("kind cluster %s: %w", ClusterName, err)
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
		return fmt.Errorf("delete kind cluster %s: %w", ClusterName, err)
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
	if _, err := p.connect(ctx, api); err != nil {
		return cluster.Status{Lines: append(lines, "API: not answering: "+err.Error())}, nil
	}
	return cluster.Status{Running: true, Lines: append(lines, "API: answering")}, nil
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
