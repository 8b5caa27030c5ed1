//go:build !kind

package levels_test

import (
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/simtest"
)

func TestMain(m *testing.M) { simtest.Main(m) }

// testCluster is the cluster the rig plays on: the shared sim cluster, whose
// DNS answers on the host.
func testCluster(t testing.TB) (*cluster.Cluster, dns.Resolver) {
	t.Helper()
	c := simtest.Cluster(t)
	return c, dns.Direct(c.DNSAddr)
}
