package dns

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"
)

const webName = "web.default.svc.cluster.local"

// Right after a kind create, CoreDNS is Pending: WaitReady waits for it to
// become Ready instead of failing on the first look.
func TestWaitReadyWaitsForReadyPod(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	pod := dnsPod("coredns-a", false)
	f.create(pod)
	o.serve("coredns-a", startServer(t))
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{})

	_, err := fw.pods.current(context.Background(), "")
	want := "cluster DNS not reachable: no ready pod with label k8s-app=kube-dns in kube-system yet (coredns-a: Pending, ContainerCreating)"
	if got := unavailableReason(t, err); got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
	errc := make(chan error, 1)
	go func() { errc <- fw.WaitReady(context.Background()) }()
	markReady(pod)
	readyAt := time.Now()
	f.update(pod)
	if err := <-errc; err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	t.Logf("forward open %v after the pod became Ready", time.Since(readyAt))
	a, err := fw.Query(context.Background(), webName, A)
	if err != nil {
		t.Fatal(err)
	}
	checkValue(t, a, "10.0.0.1")
}

// With no DNS pod, a Query says why at once and the checklist goes on; DNS
// works by itself once a pod is Ready.
func TestQueryWithoutDNSPodThenRecovers(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{Hint: "or pass --dns-server HOST:PORT"})
	_, err := fw.Query(context.Background(), webName, A)
	want := "cluster DNS not reachable: no pod labelled k8s-app=kube-dns, app.kubernetes.io/name=coredns or k8s-app=coredns in kube-system; or pass --dns-server HOST:PORT"
	if got := unavailableReason(t, err); got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
	if !errors.Is(err, ErrNoDNSPod) {
		t.Fatalf("err = %v, want ErrNoDNSPod", err)
	}
	const n = 200
	start := time.Now()
	for range n {
		if _, err := fw.Query(context.Background(), webName, A); err == nil {
			t.Fatal("Query succeeded without a DNS pod")
		}
	}
	per := time.Since(start) / n
	t.Logf("a Query while DNS is unavailable costs %v", per)
	if per > 10*time.Millisecond {
		t.Fatalf("a Query without DNS took %v, want it not to block the checklist", per)
	}

	o.serve("coredns-a", startServer(t))
	readyAt := time.Now()
	f.create(dnsPod("coredns-a", true))
	waitPick(t, fw, "coredns-a")
	a, err := fw.Query(context.Background(), webName, A)
	if err != nil {
		t.Fatalf("Query once a DNS pod is Ready: %v", err)
	}
	t.Logf("first answer %v after the pod became Ready", time.Since(readyAt))
	checkValue(t, a, "10.0.0.1")
}

// WaitReady does not wait its whole timeout on a cluster with no DNS pod.
func TestWaitReadyGivesUpWithoutDNSPod(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{SetupTimeout: time.Minute})
	fw.noPodGrace = 300 * time.Millisecond
	start := time.Now()
	err := fw.WaitReady(context.Background())
	if !errors.Is(err, ErrNoDNSPod) {
		t.Fatalf("err = %v, want ErrNoDNSPod", err)
	}
	if d := time.Since(start); d < fw.noPodGrace || d > 2*time.Second {
		t.Fatalf("took %v, want about %v", d, fw.noPodGrace)
	}
}

func forbidPodList(f *fakePods) {
	f.cs.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("no list"))
	})
}

func TestForbiddenPodListSaysSo(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	forbidPodList(f)
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{Hint: "use --dns-server"})
	start := time.Now()
	err := fw.WaitReady(context.Background())
	got := unavailableReason(t, err)
	if want := "cluster DNS not reachable: forbidden: list pods in kube-system (needed to find the DNS pod); use --dns-server"; got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("WaitReady took %v on a forbidden list", d)
	}
	if _, err := fw.Query(context.Background(), webName, A); !strings.Contains(unavailableReason(t, err), "forbidden: list pods") {
		t.Fatalf("Query: %v", err)
	}
}

func TestForbiddenPortForwardSaysSo(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	f.create(dnsPod("coredns-a", true))
	o.fail = errors.New(`unable to upgrade connection: pods "coredns-a" is forbidden`)
	deny := func(context.Context, string) (bool, error) { return false, nil }
	fw := newTestForwarder(t, f, o, deny, PortForwardOptions{Hint: "use --dns-server"})
	start := time.Now()
	err := fw.WaitReady(context.Background())
	want := "cluster DNS not reachable: forbidden: pods/portforward in kube-system (needed to ask the DNS pod); use --dns-server"
	if got := unavailableReason(t, err); got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("WaitReady took %v on a forbidden forward", d)
	}
	// A failed forward is not tried again on every Query.
	for range 5 {
		if _, err := fw.Query(context.Background(), webName, A); err == nil {
			t.Fatal("Query succeeded")
		}
	}
	if got := o.opens(); len(got) != 1 {
		t.Fatalf("opened %q, want one attempt within %v", got, retryAfter)
	}
}

// A name the server takes and never answers is a "not found", and does not
// reopen the forward.
func TestForwarderTimeoutDoesNotReopen(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	f.create(dnsPod("coredns-a", true))
	s := startServer(t)
	o.serve("coredns-a", s)
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{})
	fw.timeout = 300 * time.Millisecond
	_, _, err := Resolve(context.Background(), fw, "backend", "default", "cluster.local", A)
	var nf *NotFoundError
	if !errors.As(err, &nf) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want a NotFoundError", err)
	}
	if last := nf.Rcodes[len(nf.Rcodes)-1]; last != RcodeTimeout {
		t.Fatalf("rcodes %q, want the bare name to time out", nf.Rcodes)
	}
	if got := o.opens(); !reflect.DeepEqual(got, []string{"coredns-a"}) {
		t.Fatalf("opened %q, want one forward", got)
	}
	// The checklist asks again every second: the name that timed out is
	// not waited for again for a while.
	start := time.Now()
	_, _, err = Resolve(context.Background(), fw, "backend", "default", "cluster.local", A)
	if !errors.As(err, &nf) || nf.Rcodes[len(nf.Rcodes)-1] != RcodeTimeout {
		t.Fatalf("second Resolve: %v", err)
	}
	if d := time.Since(start); d >= fw.timeout {
		t.Fatalf("second Resolve took %v, want no wait for the name that timed out", d)
	}
	bare := 0
	for _, q := range s.questions() {
		if q == "tcp backend." {
			bare++
		}
	}
	if bare != 1 {
		t.Fatalf("server saw the bare name %d times, want once", bare)
	}
}

// A DNS pod deleted mid-level: the next Query reopens to the other replica.
func TestForwarderMovesToOtherReplica(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	a, b := dnsPod("coredns-a", true), dnsPod("coredns-b", true)
	f.create(a)
	f.create(b)
	o.serve("coredns-a", startServer(t))
	o.serve("coredns-b", startServer(t))
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{})
	if err := fw.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Query(context.Background(), webName, A); err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	a.DeletionTimestamp = &now
	f.update(a)
	o.kill("coredns-a")
	if _, err := fw.Query(context.Background(), webName, A); err != nil {
		t.Fatalf("Query after coredns-a went away: %v", err)
	}
	if got := o.opens(); !reflect.DeepEqual(got, []string{"coredns-a", "coredns-b"}) {
		t.Fatalf("opened %q, want coredns-a then coredns-b", got)
	}
}

// When the forward still looks alive but its pod's server refuses, the same
// Query reopens to another Ready pod, even before the API shows the pod going.
func TestForwarderConnectionFailureReopensOnce(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	f.create(dnsPod("coredns-a", true))
	f.create(dnsPod("coredns-b", true))
	sa := startServer(t)
	o.serve("coredns-a", sa)
	o.serve("coredns-b", startServer(t))
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{})
	waitPick(t, fw, "coredns-a")
	if _, err := fw.Query(context.Background(), webName, A); err != nil {
		t.Fatal(err)
	}
	sa.stop()
	if _, err := fw.Query(context.Background(), webName, A); err != nil {
		t.Fatalf("Query after coredns-a stopped answering: %v", err)
	}
	if got := o.opens(); !reflect.DeepEqual(got, []string{"coredns-a", "coredns-b"}) {
		t.Fatalf("opened %q, want coredns-a then coredns-b", got)
	}
}

// A Query never waits longer than QuerySetupTimeout for the pod list.
func TestQuerySetupIsBounded(t *testing.T) {
	f, o := newFakePods(t), newFakeOpener()
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	f.cs.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		<-block
		return true, nil, errors.New("blocked")
	})
	fw := newTestForwarder(t, f, o, allowAll, PortForwardOptions{QuerySetupTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := fw.Query(context.Background(), webName, A)
	if got := unavailableReason(t, err); !strings.Contains(got, "still looking for the DNS pod in kube-system") {
		t.Fatalf("reason %q", got)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Query took %v, want about 200ms", d)
	}
}
