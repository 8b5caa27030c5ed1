package dns

import (
	"context"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
)

func TestForClusterDirect(t *testing.T) {
	s := startServer(t)
	r, err := ForCluster(context.Background(), &cluster.Cluster{DNSAddr: s.addr})
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
	if _, err := ForCluster(context.Background(), &cluster.Cluster{}); err == nil {
		t.Fatal("ForCluster without DNSAddr or REST succeeded")
	}
}
