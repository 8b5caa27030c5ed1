package dns

import (
	"context"
	"errors"

	"github.com/k8squest/k8squest/engine/cluster"
)

// ForCluster returns a Resolver for c: Direct when the cluster's DNS answers
// on the host (c.DNSAddr), else a PortForward to its DNS pod.
func ForCluster(ctx context.Context, c *cluster.Cluster) (Resolver, error) {
	if c == nil {
		return nil, errors.New("cluster DNS: no cluster")
	}
	if c.DNSAddr != "" {
		return Direct(c.DNSAddr), nil
	}
	if c.REST == nil {
		return nil, errors.New("cluster DNS: cluster has no API client configuration")
	}
	return PortForward(ctx, c.REST, PortForwardOptions{})
}
