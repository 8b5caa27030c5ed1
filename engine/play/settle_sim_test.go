package play

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
)

// A Deployment whose nodeSelector matches no node: the real scheduler on
// sim marks its pod Unschedulable, with its own message.
const unplaceable = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: nowhere, namespace: NS}
spec:
  replicas: 1
  selector: {matchLabels: {app: nowhere}}
  template:
    metadata: {labels: {app: nowhere}}
    spec:
      nodeSelector: {k8squest.dev/no-such-node: "true"}
      containers: [{name: web, image: nginx:1.27-alpine}]
`

// TestSetupGivesUpOnUnschedulablePods: on the sim cluster, Setup shows the
// scheduler's reason while it waits and, once the pod stays unschedulable,
// fails with ErrCannotStart and that reason, instead of waiting out the
// settle timeout and starting anyway.
func TestSetupGivesUpOnUnschedulablePods(t *testing.T) {
	c := simtest.Cluster(t)
	ns := simtest.Namespace(t, c)
	objs, err := kube.Decode([]byte(strings.ReplaceAll(unplaceable, "NS", ns)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(c, Spec{Level: 99, Namespace: ns, Objects: objs}, dns.Direct(c.DNSAddr))
	if err != nil {
		t.Fatal(err)
	}
	cleanPlayer(t, s)
	s.limits.unschedulable = 2 * time.Second
	var mu sync.Mutex
	var infos []string
	rep := cluster.Reporter(func(e cluster.Event) {
		if e.State == cluster.StepInfo {
			mu.Lock()
			infos = append(infos, e.Detail)
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	err = s.Setup(ctx, rep)
	took := time.Since(start)
	const reason = "didn't match Pod's node affinity/selector"
	if !errors.Is(err, ErrCannotStart) || !strings.Contains(err.Error(), reason) || !strings.Contains(err.Error(), "could not be scheduled for 2s") {
		t.Fatalf("Setup: %v\nwant ErrCannotStart naming the scheduler's reason %q", err, reason)
	}
	if took > 30*time.Second {
		t.Errorf("Setup took %s to give up", took)
	}
	mu.Lock()
	defer mu.Unlock()
	shown := false
	for _, d := range infos {
		shown = shown || strings.Contains(d, "Deployment nowhere: 0/1 ready: nowhere-") && strings.Contains(d, "not scheduled: Unschedulable: 0/1 nodes are available")
	}
	if !shown {
		t.Errorf("the wait never showed the scheduler's reason; it showed %q", infos)
	}
	t.Logf("gave up after %s: %v", took.Round(time.Millisecond), err)
}

// cleanPlayer removes, at cleanup, the player identity Setup makes outside
// the test's namespace.
func cleanPlayer(t *testing.T, s *Session) {
	t.Cleanup(func() {
		ctx := context.Background()
		sa := kube.PlayerAccount(s.spec.Namespace)
		_ = s.cs.RbacV1().ClusterRoleBindings().Delete(ctx, "k8squest-player-view-"+sa, metav1.DeleteOptions{})
		_ = s.cs.CoreV1().ServiceAccounts(kube.PlayersNamespace).Delete(ctx, sa, metav1.DeleteOptions{})
	})
}
