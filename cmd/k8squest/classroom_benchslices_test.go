package main

import (
	"context"
	"sync"
	"testing"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// sliceWatch notes when the EndpointSlice controller first wrote a slice
// of each namespace's Service svc after the watch began: the moment the
// cluster DNS can know a recreated Service's endpoints, which no client of
// the cluster can see sooner. kube-controller-manager writes through its
// own rate limit (20 requests a second after a burst of 30 by default, as
// on kubeadm's clusters), so a whole class fixing at once is served in turn.
type sliceWatch struct {
	mu    sync.Mutex
	first map[string]time.Time
	w     watch.Interface
	done  chan struct{}
}

// watchSlices starts watching the slices of every Service named svc.
func watchSlices(t testing.TB, cs kubernetes.Interface, svc string) *sliceWatch {
	t.Helper()
	ctx := context.Background()
	sel := discoveryv1.LabelServiceName + "=" + svc
	list, err := cs.DiscoveryV1().EndpointSlices("").List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		t.Fatalf("list the EndpointSlices of %s: %v", svc, err)
	}
	w, err := cs.DiscoveryV1().EndpointSlices("").Watch(ctx, metav1.ListOptions{LabelSelector: sel, ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatalf("watch the EndpointSlices of %s: %v", svc, err)
	}
	s := &sliceWatch{first: map[string]time.Time{}, w: w, done: make(chan struct{})}
	go s.run()
	return s
}

func (s *sliceWatch) run() {
	defer close(s.done)
	for ev := range s.w.ResultChan() {
		es, ok := ev.Object.(*discoveryv1.EndpointSlice)
		if !ok || ev.Type != watch.Added || len(es.Endpoints) == 0 {
			continue
		}
		s.mu.Lock()
		if _, seen := s.first[es.Namespace]; !seen {
			s.first[es.Namespace] = time.Now()
		}
		s.mu.Unlock()
	}
}

// at is when ns's first new slice with endpoints arrived.
func (s *sliceWatch) at(ns string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.first[ns]
	return t, ok
}

// stop ends the watch.
func (s *sliceWatch) stop() { s.w.Stop(); <-s.done }
