package dns

import (
	"context"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
)

func TestForClusterDirect(t *testing.T) {
	s := startServer(t)
	r, err := ForCluster(&cluster.Cluster{DNSAddr: s.addr}, PortForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	a, err := r.Query(context.Background(), "kubernetes.default.svc.cluster.local", A)
	if err != nil {
		t.Fatal(err)
	}
	checkValue(t, a, "10.96.0.1")
}

func TestForClusterNeedsREST(t *testing.T) {
	if _, err := ForCluster(&cluster.Cluster{}, PortForwardOptions{}); err == nil {
		t.Fatal("ForCluster without DNSAddr or REST succeeded")
	}
}
