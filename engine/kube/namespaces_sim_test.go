package kube_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
)

// TestDeleteNamespaceCancelled: a namespace whose deletion is held up (here
// by a finalizer on an object in it) while DeleteNamespace waits, and the
// wait cut short by its context (Ctrl+C): the error is the context's, never
// the "timed out waiting for the condition" that watchtools reports when
// its context ends after its caches synced.
func TestDeleteNamespaceCancelled(t *testing.T) {
	c := simtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	ns := simtest.Namespace(t, c)
	bg := context.Background()
	simtest.Hold(t, cs, ns) // released at cleanup, before simtest deletes the namespace

	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- kube.DeleteNamespace(ctx, cs, ns) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := cs.CoreV1().Namespaces().Get(bg, ns, metav1.GetOptions{})
		if err == nil && got.DeletionTimestamp != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace %s is not terminating after 30s (%v)", ns, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Well into the wait: its caches (a 100 ms poll) have synced. The
	// moment of the cancel is this test's input, not a wait for an event.
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "timed out") {
			t.Fatalf("DeleteNamespace after cancel = %v, want context.Canceled", err)
		}
		if !strings.Contains(err.Error(), "namespace "+ns) {
			t.Fatalf("DeleteNamespace after cancel = %v, want it to name the namespace", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("DeleteNamespace did not return after its context ended")
	}
}
