package dns

import (
	"errors"

	"github.com/k8squest/k8squest/engine/cluster"
)

// ForCluster returns a Resolver for c: Direct when the cluster's DNS answers
// on the host (c.DNSAddr), else a lazy NewPortForward to its DNS pod, which
// opens nothing yet; WaitReady waits for it. It fails only when c cannot be
// talked to at all.
func ForCluster(c *cluster.Cluster, opts PortForwardOptions) (Resolver, error) {
	if c == nil {
		return nil, errors.New("cluster DNS: no cluster")
	}
	if c.DNSAddr != "" {
		return Direct(c.DNSAddr), nil
	}
	if c.REST == nil {
		return nil, errors.New("cluster DNS: cluster has no API client configuration")
	}
	return NewPortForward(c.REST, opts)
}
