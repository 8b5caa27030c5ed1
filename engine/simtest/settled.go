package simtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// EndpointsSettled waits, on watch events, until the EndpointSlices of every
// Service with a selector in namespaces list exactly the ready pods it
// selects, as ready. A level's set-up waits for its workloads, not for the
// EndpointSlice controller, which follows a moment later; a test that
// records a verdict as a golden waits for this first. It fails the test
// after timeout, naming a Service that still disagrees.
func EndpointsSettled(t testing.TB, c *cluster.Cluster, timeout time.Duration, namespaces ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	w := kube.NewWatcher(Clientset(t, c), namespaces)
	if err := w.Start(ctx); err != nil {
		t.Fatalf("simtest: watch %v: %v", namespaces, err)
	}
	for {
		pending := unsettled(w.Snapshot())
		if pending == "" {
			return
		}
		select {
		case <-w.Changes():
		case <-ctx.Done():
			t.Fatalf("simtest: after %s the endpoints have not settled: %s", timeout, pending)
		}
	}
}

// unsettled names the first Service whose ready endpoints differ from the
// ready pods it selects, or returns "".
func unsettled(s *snapshot.Snapshot) string {
	for _, svc := range s.Services {
		if len(svc.Spec.Selector) == 0 {
			continue
		}
		var want, got []string
		for _, p := range s.PodsMatching(svc.Namespace, svc.Spec.Selector) {
			if snapshot.PodReady(p) && p.Status.PodIP != "" {
				want = append(want, p.Status.PodIP)
			}
		}
		for _, sl := range s.SlicesFor(svc.Namespace, svc.Name) {
			for _, ep := range sl.Endpoints {
				if ep.Conditions.Ready != nil && *ep.Conditions.Ready {
					got = append(got, ep.Addresses...)
				}
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			return fmt.Sprintf("Service %s/%s: ready pods %v, ready endpoints %v", svc.Namespace, svc.Name, want, got)
		}
	}
	return ""
}
