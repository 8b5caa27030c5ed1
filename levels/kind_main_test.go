//go:build kind

package levels_test

import (
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/kindtest"
)

func TestMain(m *testing.M) { kindtest.Main(m) }

// testCluster is the cluster the rig plays on: the running kind cluster,
// whose DNS is reached the way the game reaches it (a port-forward to a
// CoreDNS pod), closed when the test ends.
func testCluster(t testing.TB) (*cluster.Cluster, dns.Resolver) {
	t.Helper()
	c := kindtest.Cluster(t)
	r, err := dns.ForCluster(c, dns.PortForwardOptions{})
	if err != nil {
		t.Fatalf("kind cluster DNS: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return c, r
}
