package kube

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// TestWatcherSkipsWhatItMayNotList: an identity that may not list
// deployments or namespaces still gets a synced snapshot of the rest.
func TestWatcherSkipsWhatItMayNotList(t *testing.T) {
	cs := fake.NewSimpleClientset(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "p1"}})
	deny := func(resource string) {
		cs.PrependReactor("list", resource, func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "", nil)
		})
	}
	deny("deployments")
	deny("namespaces")
	w := NewWatcher(cs, []string{"p1"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.Denied()["p1"]; len(got) != 1 || got[0] != "deployments" {
		t.Fatalf("denied = %v, want [deployments]", got)
	}
	s := w.Snapshot()
	if s.Service("p1", "web") == nil || !s.HasNamespace("p1") {
		t.Fatalf("snapshot lacks the service or the namespace: %+v", s)
	}
}

// TestWatcherNamespaceLabels: the snapshot carries every namespace's labels
// when the identity may list namespaces, and none when it may not.
func TestWatcherNamespaceLabels(t *testing.T) {
	for _, visible := range []bool{true, false} {
		cs := fake.NewSimpleClientset(
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "p1", Labels: map[string]string{"team": "web"}}},
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Labels: map[string]string{"team": "db"}}})
		if !visible {
			cs.PrependReactor("list", "namespaces", func(k8stesting.Action) (bool, runtime.Object, error) {
				return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, "", nil)
			})
		}
		w := NewWatcher(cs, []string{"p1"})
		ctx, cancel := context.WithCancel(context.Background())
		if err := w.Start(ctx); err != nil {
			cancel()
			t.Fatal(err)
		}
		s := w.Snapshot()
		cancel()
		switch {
		case visible && (s.NamespaceLabels["p1"]["team"] != "web" || s.NamespaceLabels["elsewhere"]["team"] != "db"):
			t.Errorf("namespace labels = %v, want p1 team=web and elsewhere team=db", s.NamespaceLabels)
		case !visible && s.NamespaceLabels != nil:
			t.Errorf("namespaces not listable, but labels = %v", s.NamespaceLabels)
		}
	}
}
