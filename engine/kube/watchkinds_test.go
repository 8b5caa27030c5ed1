package kube

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
)

// TestWatcherSnapshotIsSorted: whatever order the API and the caches hold
// them in, every kind of the snapshot comes sorted by namespace and name.
func TestWatcherSnapshotIsSorted(t *testing.T) {
	namespaces := []string{"p2", "p1"}
	var objs []k8sruntime.Object
	for _, ns := range namespaces {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		for i := range 8 {
			m := metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("o-%d", i)}
			objs = append(objs, &corev1.Service{ObjectMeta: m}, &corev1.Pod{ObjectMeta: m},
				&discoveryv1.EndpointSlice{ObjectMeta: m}, &appsv1.StatefulSet{ObjectMeta: m},
				&appsv1.Deployment{ObjectMeta: m}, &networkingv1.Ingress{ObjectMeta: m},
				&networkingv1.NetworkPolicy{ObjectMeta: m})
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	r.Shuffle(len(objs), func(i, j int) { objs[i], objs[j] = objs[j], objs[i] })
	w := NewWatcher(fake.NewClientset(objs...), namespaces)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s := w.Snapshot()
	kinds := map[string][]metav1.Object{
		"Services": objects(s.Services), "Pods": objects(s.Pods), "EndpointSlices": objects(s.EndpointSlices),
		"StatefulSets": objects(s.StatefulSets), "Deployments": objects(s.Deployments),
		"Ingresses": objects(s.Ingresses), "NetworkPolicies": objects(s.NetworkPolicies),
	}
	for kind, l := range kinds {
		var got []string
		for _, o := range l {
			got = append(got, o.GetNamespace()+"/"+o.GetName())
		}
		if len(got) != 16 || !slices.IsSorted(got) {
			t.Errorf("%s: got %v, want 16 names sorted by namespace and name", kind, got)
		}
	}
	if !slices.Equal(s.Namespaces, []string{"p1", "p2"}) {
		t.Errorf("Namespaces = %v, want [p1 p2]", s.Namespaces)
	}
}

func objects[T metav1.Object](l []T) []metav1.Object {
	out := make([]metav1.Object, len(l))
	for i, o := range l {
		out[i] = o
	}
	return out
}

// TestWatcherStopsItsInformers: once the context given to Start ends, the
// watcher shuts its informer factories down; by the time Stopped is closed
// no informer goroutine of client-go is left running.
func TestWatcherStopsItsInformers(t *testing.T) {
	// Watchers of earlier tests may still be shutting down.
	for end := time.Now().Add(10 * time.Second); informerGoroutines() != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("informer goroutines of earlier tests still run:\n%s", stacks())
		}
	}
	cs := fake.NewClientset(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "p1"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "p1", Name: "web"}})
	w := NewWatcher(cs, []string{"p1", "p2"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := w.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	if informerGoroutines() == 0 {
		t.Fatal("no informer goroutine runs after Start; the test cannot see them")
	}
	cancel()
	select {
	case <-w.Stopped():
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not stop within 10s of its context ending")
	}
	if n := informerGoroutines(); n != 0 {
		t.Errorf("%d informer goroutines still run after the watcher stopped:\n%s", n, stacks())
	}
}

// informerGoroutines counts the goroutines running client-go's informer code.
func informerGoroutines() int {
	n := 0
	for _, g := range strings.Split(stacks(), "\n\n") {
		if strings.Contains(g, "k8s.io/client-go/tools/cache.") {
			n++
		}
	}
	return n
}

func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}
