package dns_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/simtest"
)

// simDNSPod creates a pod labelled like CoreDNS in ns; gated pods stay
// Pending until the gate is removed.
func simDNSPod(t *testing.T, cs kubernetes.Interface, ns, name string, gated bool) {
	t.Helper()
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "coredns", Image: "coredns/coredns"}}},
	}
	if gated {
		p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "k8squest.test/hold"}}
	}
	if _, err := cs.CoreV1().Pods(ns).Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create pod %s: %v", name, err)
	}
}

// The first launch after a create: the DNS pod exists but is not Ready.
// WaitReady waits for it, and DNS answers as soon as it is.
func TestSimWaitReadyForPendingDNSPod(t *testing.T) {
	t.Parallel()
	c := simtest.Cluster(t)
	ns, cs := simtest.Namespace(t, c), simtest.Clientset(t, c)
	simDNSPod(t, cs, ns, "coredns-a", true)
	o := dns.NewFakeForwards()
	o.Serve(t, "coredns-a")
	fw := dns.NewForwarderForTest(t, cs, ns, o)
	ctx := context.Background()
	err := dns.CurrentReason(fw)
	if got := unavailable(t, err); !strings.Contains(got, "no ready pod with label k8s-app=kube-dns in "+ns+" yet (coredns-a: Pending") {
		t.Fatalf("reason %q", got)
	}
	errc := make(chan error, 1)
	go func() { errc <- dns.WaitReady(ctx, fw) }()
	ungated := time.Now()
	patch := []byte(`{"spec":{"schedulingGates":null}}`)
	if _, err := cs.CoreV1().Pods(ns).Patch(ctx, "coredns-a", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatalf("remove the scheduling gate: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	opened := time.Since(ungated)
	if _, err := fw.Query(ctx, dns.WebName, dns.A); err != nil {
		t.Fatal(err)
	}
	t.Logf("gate removed to first answer: %v (forward open after %v)", time.Since(ungated), opened)
}

// A CoreDNS pod deleted mid-level: the next Query reopens to the other replica.
func TestSimDNSPodDeletedMovesToOtherReplica(t *testing.T) {
	t.Parallel()
	c := simtest.Cluster(t)
	ns, cs := simtest.Namespace(t, c), simtest.Clientset(t, c)
	simDNSPod(t, cs, ns, "coredns-a", false)
	simDNSPod(t, cs, ns, "coredns-b", false)
	o := dns.NewFakeForwards()
	o.Serve(t, "coredns-a")
	o.Serve(t, "coredns-b")
	fw := dns.NewForwarderForTest(t, cs, ns, o)
	ctx := context.Background()
	dns.WaitPick(t, fw, "coredns-a")
	dns.WaitReadyPods(t, fw, 2)
	if _, err := fw.Query(ctx, dns.WebName, dns.A); err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().Pods(ns).Delete(ctx, "coredns-a", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete coredns-a: %v", err)
	}
	dns.WaitPick(t, fw, "coredns-b")
	o.Kill("coredns-a")
	if _, err := fw.Query(ctx, dns.WebName, dns.A); err != nil {
		t.Fatalf("Query after coredns-a was deleted: %v", err)
	}
	if got := o.Opens(); !reflect.DeepEqual(got, []string{"coredns-a", "coredns-b"}) {
		t.Fatalf("opened %q, want coredns-a then coredns-b", got)
	}
}

// An identity that may read pods but not port-forward is told so, through
// the real API and SPDY path, at once.
func TestSimPortForwardForbidden(t *testing.T) {
	t.Parallel()
	c := simtest.Cluster(t)
	ns, cs := simtest.Namespace(t, c), simtest.Clientset(t, c)
	simDNSPod(t, cs, ns, "coredns-a", false)
	id := simtest.Identity(t, c, ns, "reader", []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: simtest.Read}}, nil)
	r, err := dns.NewPortForward(id.REST, dns.PortForwardOptions{Namespace: ns, Hint: "pass --dns-server HOST:PORT"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dns.WaitReadyPods(t, r, 1)
	start := time.Now()
	err = dns.WaitReady(context.Background(), r)
	want := "cluster DNS not reachable: forbidden: pods/portforward in " + ns + " (needed to ask the DNS pod); pass --dns-server HOST:PORT"
	if got := unavailable(t, err); got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

// An identity that may not list pods there is told so.
func TestSimPodListForbidden(t *testing.T) {
	t.Parallel()
	c := simtest.Cluster(t)
	ns := simtest.Namespace(t, c)
	id := simtest.Identity(t, c, ns, "nobody", nil, nil)
	start := time.Now()
	r, err := dns.PortForward(context.Background(), id.REST, dns.PortForwardOptions{Namespace: ns})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v to find listing forbidden", d)
	}
	if err == nil {
		r.Close()
		t.Fatal("PortForward succeeded without access to pods")
	}
	want := "cluster DNS not reachable: forbidden: list pods in " + ns + " (needed to find the DNS pod)"
	if got := unavailable(t, err); got != want || errors.Is(err, dns.ErrNoDNSPod) {
		t.Fatalf("reason %q, want %q", got, want)
	}
}

// unavailable asserts err is a *dns.UnavailableError and returns its text.
func unavailable(t *testing.T, err error) string {
	t.Helper()
	u, ok := dns.IsUnavailable(err)
	if !ok || !errors.Is(err, dns.ErrUnreachable) {
		t.Fatalf("err = %v, want a *dns.UnavailableError", err)
	}
	return u.Error()
}
