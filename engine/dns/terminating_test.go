package dns

import (
	"context"
	"reflect"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A DNS pod that starts terminating while its forward is still up (on a
// real kubelet the forward's streams then fail or hang until the pod is
// gone): the next Query moves to the other Ready replica instead of asking
// the terminating one.
func TestForwarderLeavesTerminatingPod(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	a := dnsPod("coredns-a", true)
	f.create(a)
	f.create(dnsPod("coredns-b", true))
	o.serve("coredns-a", startServer(t))
	o.serve("coredns-b", startServer(t))
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{})
	waitPick(t, fw, "coredns-a")
	if _, err := fw.Query(context.Background(), webName, A); err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	a.DeletionTimestamp = &now
	f.update(a)
	waitPick(t, fw, "coredns-b")
	if _, err := fw.Query(context.Background(), webName, A); err != nil {
		t.Fatalf("Query after coredns-a began terminating: %v", err)
	}
	if got := o.opens(); !reflect.DeepEqual(got, []string{"coredns-a", "coredns-b"}) {
		t.Fatalf("opened %q, want coredns-a then coredns-b", got)
	}
}
