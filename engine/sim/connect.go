package sim

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
)

// connectState checks that every recorded process is alive and ours, that the
// cluster finished starting, and that the API answers.
func (p *Provider) connectState(ctx context.Context, st *State) (*cluster.Cluster, error) {
	if !st.Ready {
		return nil, fmt.Errorf("sim cluster from %s never became ready: %w", st.Started.Format(time.DateTime), cluster.ErrNotRunning)
	}
	for _, pr := range st.Procs {
		if !procAlive(pr) {
			return nil, fmt.Errorf("sim %s (pid %d) is not running: %w", pr.Name, pr.PID, cluster.ErrNotRunning)
		}
	}
	c, err := clusterFor(st)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, cluster.ErrNotRunning)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := apiReady(ctx, c); err != nil {
		return nil, fmt.Errorf("sim API server does not answer (%w): %w", err, cluster.ErrNotRunning)
	}
	return c, nil
}

// clusterFor builds the cluster value from a state.
func clusterFor(st *State) (*cluster.Cluster, error) {
	cfg, err := restConfig(st.Kubeconfig)
	if err != nil {
		return nil, err
	}
	return &cluster.Cluster{
		Provider:   Name,
		Name:       ClusterName,
		Kubeconfig: st.Kubeconfig,
		Context:    ContextName,
		REST:       cfg,
		DNSAddr:    loopback(st.Ports.DNS),
		Domain:     cluster.DefaultDomain,
	}, nil
}

// apiReady asks /readyz once.
func apiReady(ctx context.Context, c *cluster.Cluster) error {
	cfg := *c.REST
	cfg.Timeout = 5 * time.Second
	cs, err := kubernetes.NewForConfig(&cfg)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("readyz: %w", err)
	}
	if strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("readyz says %q", body)
	}
	return nil
}
