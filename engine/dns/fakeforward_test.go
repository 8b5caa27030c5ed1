package dns

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// fakePods is a fake clientset holding DNS pods in kube-system.
type fakePods struct {
	t  *testing.T
	cs *fake.Clientset
}

func newFakePods(t *testing.T) *fakePods {
	return &fakePods{t: t, cs: fake.NewClientset()}
}

func dnsPod(name string, ready bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: name, Namespace: DNSNamespace, Labels: map[string]string{"k8s-app": "kube-dns"},
	}}
	p.Status.Phase = corev1.PodPending
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "coredns",
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}}}
	if ready {
		markReady(p)
	}
	return p
}

func markReady(p *corev1.Pod) {
	p.Status.Phase = corev1.PodRunning
	p.Status.ContainerStatuses = nil
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
}

func (f *fakePods) create(p *corev1.Pod) {
	f.t.Helper()
	if _, err := f.cs.CoreV1().Pods(p.Namespace).Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
		f.t.Fatalf("create pod %s: %v", p.Name, err)
	}
}

func (f *fakePods) update(p *corev1.Pod) {
	f.t.Helper()
	if _, err := f.cs.CoreV1().Pods(p.Namespace).Update(context.Background(), p, metav1.UpdateOptions{}); err != nil {
		f.t.Fatalf("update pod %s: %v", p.Name, err)
	}
}

// fakeOpener "forwards" to a test DNS server per pod and counts the opens.
type fakeOpener struct {
	mu      sync.Mutex
	servers map[string]*testServer
	end     map[string]func()
	opened  []string
	fail    error
}

func newFakeOpener() *fakeOpener {
	return &fakeOpener{servers: map[string]*testServer{}, end: map[string]func(){}}
}

func (o *fakeOpener) serve(pod string, s *testServer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.servers[pod] = s
}

func (o *fakeOpener) open(_ context.Context, pod string) (*openForward, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.opened = append(o.opened, pod)
	s, ok := o.servers[pod]
	if o.fail != nil || !ok {
		return nil, fmt.Errorf("error upgrading connection: %w", orErr(o.fail, "no such pod "+pod))
	}
	done := make(chan struct{})
	var once sync.Once
	end := func() { once.Do(func() { close(done) }) }
	o.end[pod] = end
	return &openForward{pod: pod, addr: s.addr, done: done, stop: end}, nil
}

// kill ends the forward to pod, as when the pod goes away.
func (o *fakeOpener) kill(pod string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.servers[pod].stop()
	o.end[pod]()
}

func (o *fakeOpener) opens() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.opened...)
}

func allowAll(context.Context, string) (bool, error) { return true, nil }

func newTestForwarder(t *testing.T, f *fakePods, o *fakeOpener, allowed permission, opts PortForwardOptions) *forwarder {
	t.Helper()
	fw, err := newForwarder(f.cs, opts, o.open, allowed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fw.Close() })
	return fw
}

// waitPick waits, on the informer's own signal, until pick gives want.
func waitPick(t *testing.T, fw *forwarder, want string) {
	t.Helper()
	fw.pods.start()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		ch := fw.pods.changes()
		if got, _, _ := fw.pods.pick(""); got == want {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			got, why, _ := fw.pods.pick("")
			t.Fatalf("pick = %q (%v), want %q", got, why, want)
		}
	}
}

// unavailableReason asserts err is an *UnavailableError and returns its text.
func unavailableReason(t *testing.T, err error) string {
	t.Helper()
	u, ok := IsUnavailable(err)
	if !ok || !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want an *UnavailableError matching ErrUnreachable", err)
	}
	return u.Error()
}
