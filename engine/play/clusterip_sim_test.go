package play

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
)

// TestConcurrentSetupsShareAFixedClusterIP: eight players set up, at the
// same moment, a level whose Service fixes a cluster IP (as level 30's
// does), as a classroom's learners do when the instructor starts them.
// Each Setup succeeds and each Service gets an address of its own. Before
// retries were spread over the range, all losers of a round chose the same
// next address, one more won per round, and the sixth failed.
func TestConcurrentSetupsShareAFixedClusterIP(t *testing.T) {
	const players = 8
	c := simtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sessions := make([]*Session, players)
	for i, ns := range simtest.Namespaces(t, c, players) {
		objs, err := kube.Decode([]byte(fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: fixed, namespace: %s}\n"+
			"spec: {clusterIP: 10.96.100.50, ports: [{port: 80}]}\n", ns)))
		if err != nil {
			t.Fatal(err)
		}
		if sessions[i], err = New(c, Spec{Level: 97, Namespace: ns, Objects: objs}, dns.Direct(c.DNSAddr)); err != nil {
			t.Fatal(err)
		}
		cleanPlayer(t, sessions[i])
	}
	start := make(chan struct{})
	errs := make(chan error, players)
	for _, s := range sessions {
		go func() {
			<-start
			errs <- s.Setup(ctx, func(cluster.Event) {})
		}()
	}
	t0 := time.Now()
	close(start)
	for range sessions {
		if err := <-errs; err != nil {
			t.Errorf("a concurrent Setup: %v", err)
		}
	}
	t.Logf("%d concurrent set-ups took %v", players, time.Since(t0))
	holders := map[string]string{}
	for _, s := range sessions {
		svc, err := cs.CoreV1().Services(s.spec.Namespace).Get(ctx, "fixed", metav1.GetOptions{})
		if err != nil {
			t.Errorf("Service fixed in %s: %v", s.spec.Namespace, err)
			continue
		}
		if other, dup := holders[svc.Spec.ClusterIP]; dup {
			t.Errorf("%s and %s both hold %s", other, s.spec.Namespace, svc.Spec.ClusterIP)
		}
		holders[svc.Spec.ClusterIP] = s.spec.Namespace
	}
}
