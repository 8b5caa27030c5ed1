package dns

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
)

// This file lends the package's test doubles to the dns_test sim tests,
// which cannot be in package dns (simtest imports it through check).

// FakeForwards stands in for port-forwards: each pod's "forward" goes to a
// test DNS server on 127.0.0.1.
type FakeForwards struct{ o *fakeOpener }

// NewFakeForwards returns FakeForwards with no pod served.
func NewFakeForwards() FakeForwards { return FakeForwards{o: newFakeOpener()} }

// Serve starts a test DNS server for pod.
func (f FakeForwards) Serve(t *testing.T, pod string) { f.o.serve(pod, startServer(t)) }

// Kill ends pod's forward and stops its server, as when the pod goes away.
func (f FakeForwards) Kill(pod string) { f.o.kill(pod) }

// Opens lists the pods forwarded to, in order.
func (f FakeForwards) Opens() []string { return f.o.opens() }

// NewForwarderForTest returns a port-forward resolver on cs, in ns, whose
// forwards are f's.
func NewForwarderForTest(t *testing.T, cs kubernetes.Interface, ns string, f FakeForwards) Resolver {
	t.Helper()
	fw, err := newForwarder(cs, PortForwardOptions{Namespace: ns, SetupTimeout: 30 * time.Second}, f.o.open, allowAll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fw.Close() })
	return fw
}

// CurrentReason returns why r has no Ready DNS pod now, or nil.
func CurrentReason(r Resolver) error {
	_, err := r.(*forwarder).pods.current(context.Background(), "")
	return err
}

// WaitPick waits until r would forward to want.
func WaitPick(t *testing.T, r Resolver, want string) { t.Helper(); waitPick(t, r.(*forwarder), want) }

// WaitReadyPods waits on r's informer until n DNS pods are Ready.
func WaitReadyPods(t *testing.T, r Resolver, n int) {
	t.Helper()
	fw := r.(*forwarder)
	fw.pods.start()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		ch := fw.pods.changes()
		ready := 0
		if fw.pods.inf.HasSynced() {
			for _, o := range fw.pods.inf.GetStore().List() {
				if p, ok := o.(*corev1.Pod); ok && podReady(p) {
					ready++
				}
			}
		}
		if ready == n {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("%d DNS pods Ready, want %d", ready, n)
		}
	}
}

// WebName is a name every test DNS server answers.
const WebName = webName
