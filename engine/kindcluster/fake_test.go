package kindcluster

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	k8sfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	kind "sigs.k8s.io/kind/pkg/cluster"
	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/k8squest/k8squest/engine/cluster"
)

// testKubeconfig is what the fake's KubeConfig returns.
const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: kind-k8squest
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: kind-k8squest
  user: {token: t}
contexts:
- name: kind-k8squest
  context: {cluster: kind-k8squest, user: kind-k8squest}
current-context: kind-k8squest
`

// fakeKind stands in for *kind.Provider and for the container runtime
// that runs its nodes.
type fakeKind struct {
	mu        sync.Mutex
	names     []string
	creates   int
	createOps int
	deletes   []string
	block     chan struct{}
	log       kindlog.Logger
	// states are the node containers' states by name; an existing cluster
	// without any gets one running control-plane node.
	states map[string]string
	// started lists the containers Start was asked to start; startedAt
	// says when.
	started   []string
	startedAt map[string]time.Time
	// startErr fails Start.
	startErr error
	// createErr fails Create; onCreate runs when Create succeeds.
	createErr error
	onCreate  func()
	// onStart runs after the nodes were started (to make the fake API
	// answer, say).
	onStart func()
}

// Nodes implements nodeRuntime.
func (f *fakeKind) Nodes(_ context.Context, name string) ([]nodeContainer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains(f.names, name) {
		return nil, nil
	}
	if f.states == nil {
		f.states = map[string]string{name + "-control-plane": "running"}
	}
	var out []nodeContainer
	for n, st := range f.states {
		out = append(out, nodeContainer{Name: n, State: st, StartedAt: f.startedAt[n]})
	}
	slices.SortFunc(out, func(a, b nodeContainer) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Start implements nodeRuntime.
func (f *fakeKind) Start(_ context.Context, nodes []nodeContainer) error {
	f.mu.Lock()
	if f.startErr != nil {
		f.mu.Unlock()
		return f.startErr
	}
	if f.startedAt == nil {
		f.startedAt = map[string]time.Time{}
	}
	for _, n := range nodes {
		f.started = append(f.started, n.Name)
		f.states[n.Name] = "running"
		f.startedAt[n.Name] = time.Now()
	}
	f.mu.Unlock()
	if f.onStart != nil {
		f.onStart()
	}
	return nil
}

func (f *fakeKind) List() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.names...), nil
}

func (f *fakeKind) Create(name string, opts ...kind.CreateOption) error {
	if f.block != nil {
		<-f.block
	}
	f.log.V(0).Infof(" • Ensuring node image (kindest/node:v1.35.0) 🖼  ...\n")
	f.log.V(0).Infof(" ✓ Ensuring node image (kindest/node:v1.35.0) 🖼\n")
	if f.createErr != nil {
		return f.createErr
	}
	if f.onCreate != nil {
		f.onCreate()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	f.createOps = len(opts)
	f.names = append(f.names, name)
	return nil
}

func (f *fakeKind) Delete(name, kubeconfigPath string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes = append(f.deletes, name+" "+kubeconfigPath)
	f.names = nil
	f.states = nil
	return nil
}

func (f *fakeKind) KubeConfig(name string, internal bool) (string, error) {
	return testKubeconfig, nil
}

// newTestProvider returns a provider on fake with HOME in a temp dir and
// events collected into evs.
func newTestProvider(t *testing.T, fake *fakeKind, ping error) (*Provider, *[]cluster.Event) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	var mu sync.Mutex
	evs := &[]cluster.Event{}
	rep := func(e cluster.Event) { mu.Lock(); *evs = append(*evs, e); mu.Unlock() }
	p := New(Options{StateDir: t.TempDir(), Reporter: rep})
	p.newAPI = func(l kindlog.Logger) (kindAPI, error) { fake.log = l; return fake, nil }
	p.nodes = func() (nodeRuntime, error) { return fake, nil }
	p.ping = func(context.Context, *rest.Config) error { return ping }
	cs := k8sfake.NewClientset(readyNode(ClusterName+"-control-plane"), dnsPod("coredns-1", true))
	p.clientset = func(*rest.Config) (kubernetes.Interface, error) { return cs, nil }
	p.apiWait, p.reuseWait = apiWait{3 * time.Second, 20 * time.Millisecond}, 500*time.Millisecond
	p.opts.WaitForReady = 3 * time.Second
	return p, evs
}

// withClientset makes p's API server hold objs.
func withClientset(p *Provider, objs ...runtime.Object) *k8sfake.Clientset {
	cs := k8sfake.NewClientset(objs...)
	p.clientset = func(*rest.Config) (kubernetes.Interface, error) { return cs, nil }
	return cs
}

// readyNode is a node whose Ready condition is True.
func readyNode(name string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{
		Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
	}}
}

// notReadyNode is a node whose network plugin never ran.
func notReadyNode(name string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{
		Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse,
			Reason:  "KubeletNotReady",
			Message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"}},
	}}
}

// dnsPod is a CoreDNS pod, Ready or still starting.
func dnsPod(name string, ready bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: DNSNamespace,
		Labels: map[string]string{"k8s-app": "kube-dns"}}}
	p.Status.Phase = corev1.PodPending
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "coredns",
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}}}
	if ready {
		p = runningDNSPod(name, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	return p
}

// runningDNSPod is a Ready CoreDNS pod whose container started at started.
func runningDNSPod(name string, started time.Time) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: DNSNamespace,
		Labels: map[string]string{"k8s-app": "kube-dns"}}}
	p.Status.Phase = corev1.PodRunning
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "coredns", Ready: true,
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(started)}}}}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	return p
}

var errDown = errors.New("connection refused")
