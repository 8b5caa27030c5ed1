package kube

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
)

// purgeTypes is a small API: what discovery offers, with the list kinds the
// fake dynamic client needs.
var purgeTypes = []struct {
	gv, resource, kind string
	verbs              []string
}{
	{"v1", "pods", "Pod", []string{"list", "delete", "watch"}},
	{"v1", "services", "Service", []string{"list", "delete", "watch"}},
	{"v1", "configmaps", "ConfigMap", []string{"list", "delete", "watch"}},
	{"v1", "serviceaccounts", "ServiceAccount", []string{"list", "delete", "watch"}},
	{"v1", "events", "Event", []string{"list", "delete", "deletecollection", "watch"}},
	{"v1", "bindings", "Binding", []string{"create"}},
	{"apps/v1", "deployments", "Deployment", []string{"list", "delete", "watch"}},
	{"apps/v1", "replicasets", "ReplicaSet", []string{"list", "delete", "watch"}},
	{"rbac.authorization.k8s.io/v1", "roles", "Role", []string{"list", "delete", "watch"}},
	{"rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", []string{"list", "delete", "watch"}},
	{"example.dev/v1", "widgets", "Widget", []string{"list", "delete", "watch"}},
	{"metrics.k8s.io/v1beta1", "pods", "PodMetrics", []string{"get", "list"}},
}

func obj(gv, kind, ns, name string, owner string) *unstructured.Unstructured {
	o := &unstructured.Unstructured{}
	o.SetAPIVersion(gv)
	o.SetKind(kind)
	o.SetNamespace(ns)
	o.SetName(name)
	o.SetUID(types.UID("uid-" + kind + "-" + name))
	if owner != "" {
		t := true
		o.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: owner, UID: types.UID("uid-ReplicaSet-" + owner), Controller: &t}})
	}
	return o
}

func fakePurger(objs ...runtime.Object) (*Purger, *dynamicfake.FakeDynamicClient) {
	lists := map[schema.GroupVersionResource]string{}
	byGV := map[string]*metav1.APIResourceList{}
	var resources []*metav1.APIResourceList
	for _, pt := range purgeTypes {
		gv, _ := schema.ParseGroupVersion(pt.gv)
		lists[gv.WithResource(pt.resource)] = pt.kind + "List"
		if byGV[pt.gv] == nil {
			byGV[pt.gv] = &metav1.APIResourceList{GroupVersion: pt.gv}
			resources = append(resources, byGV[pt.gv])
		}
		byGV[pt.gv].APIResources = append(byGV[pt.gv].APIResources,
			metav1.APIResource{Name: pt.resource, Kind: pt.kind, Namespaced: true, Verbs: pt.verbs})
	}
	// A subresource and a cluster-wide type, which Purge must not touch.
	byGV["v1"].APIResources = append(byGV["v1"].APIResources,
		metav1.APIResource{Name: "pods/log", Namespaced: true, Verbs: []string{"get", "list", "delete"}},
		metav1.APIResource{Name: "nodes", Kind: "Node", Namespaced: false, Verbs: []string{"list", "delete"}})
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists, objs...)
	disc := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{Resources: resources}}
	return NewPurger(dyn, disc), dyn
}

func TestPurgeDeletesAllButTheGamesObjects(t *testing.T) {
	withGrace := obj("v1", "Pod", "lvl", "sleeper", "")
	_ = unstructured.SetNestedField(withGrace.Object, int64(30), "spec", "terminationGracePeriodSeconds")
	quick := obj("v1", "Pod", "lvl", "quick", "")
	_ = unstructured.SetNestedField(quick.Object, int64(0), "spec", "terminationGracePeriodSeconds")
	p, dyn := fakePurger(
		obj("v1", "Pod", "lvl", "web-1", "web"), withGrace, quick,
		obj("apps/v1", "Deployment", "lvl", "web", ""),
		obj("apps/v1", "ReplicaSet", "lvl", "web", "web"),
		obj("v1", "Service", "lvl", "web", ""),
		obj("v1", "ConfigMap", "lvl", "player-made", ""),
		obj("v1", "ConfigMap", "lvl", "kube-root-ca.crt", ""),
		obj("v1", "ServiceAccount", "lvl", "default", ""),
		obj("v1", "ServiceAccount", "lvl", "player-made", ""),
		obj("rbac.authorization.k8s.io/v1", "Role", "lvl", "k8squest-player", ""),
		obj("rbac.authorization.k8s.io/v1", "RoleBinding", "lvl", "k8squest-player", ""),
		obj("rbac.authorization.k8s.io/v1", "Role", "lvl", "other", ""),
		obj("example.dev/v1", "Widget", "lvl", "custom", ""),
		obj("v1", "Event", "lvl", "web.1", ""),
		obj("v1", "ConfigMap", "elsewhere", "untouched", ""),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Purge(ctx, "lvl"); err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	for _, pt := range purgeTypes {
		gv, _ := schema.ParseGroupVersion(pt.gv)
		// The fake does not carry delete-collection out; the actions below
		// show that the events were deleted.
		if !slices.Contains(pt.verbs, "list") || gv.Group == "metrics.k8s.io" || pt.resource == "events" {
			continue
		}
		l, err := dyn.Resource(gv.WithResource(pt.resource)).Namespace("").List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range l.Items {
			left[o.GetNamespace()+"/"+pt.resource+"/"+o.GetName()] = true
		}
	}
	want := map[string]bool{
		"lvl/configmaps/kube-root-ca.crt": true, "lvl/serviceaccounts/default": true,
		"lvl/roles/k8squest-player": true, "lvl/rolebindings/k8squest-player": true,
		"elsewhere/configmaps/untouched": true,
	}
	if !sameSet(left, want) {
		t.Fatalf("left after the purge: %v\nwant only %v", keys(left), keys(want))
	}
	var order []string
	eventsDropped := false
	for _, a := range dyn.Actions() {
		switch a := a.(type) {
		case clienttesting.DeleteActionImpl:
			order = append(order, a.GetResource().Resource+"/"+a.GetName())
			if a.GetResource().Resource == "pods" {
				g := a.DeleteOptions.GracePeriodSeconds
				wantGrace := map[string]int64{"sleeper": PurgePodGrace, "quick": 0, "web-1": PurgePodGrace}[a.GetName()]
				if g == nil || *g != wantGrace {
					t.Errorf("pod %s deleted with grace %v, want %d", a.GetName(), g, wantGrace)
				}
			}
			if p := a.DeleteOptions.PropagationPolicy; p == nil || *p != metav1.DeletePropagationBackground {
				t.Errorf("%s/%s deleted with propagation %v, want Background", a.GetResource().Resource, a.GetName(), p)
			}
		case clienttesting.DeleteCollectionActionImpl:
			if a.GetResource().Resource != "events" || a.GetNamespace() != "lvl" {
				t.Errorf("delete collection of %s in %s", a.GetResource().Resource, a.GetNamespace())
			}
			eventsDropped = true
		}
	}
	if !eventsDropped {
		t.Error("the namespace's events were not deleted")
	}
	// Owners go before what they own, and pods last, so that no controller
	// re-creates what was just deleted.
	pos := func(s string) int { return slices.Index(order, s) }
	if pos("deployments/web") > pos("replicasets/web") || pos("replicasets/web") > pos("pods/web-1") || pos("services/web") > pos("pods/quick") {
		t.Errorf("deletion order %v", order)
	}
}

func TestPurgeRefusesTheClustersNamespaces(t *testing.T) {
	p, dyn := fakePurger(obj("v1", "Service", "default", "kubernetes", ""))
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease", PlayersNamespace} {
		err := p.Purge(context.Background(), ns)
		if err == nil || !strings.Contains(err.Error(), "choose another namespace with -n") {
			t.Errorf("purge %s: %v, want a refusal", ns, err)
		}
	}
	if n := len(dyn.Actions()); n != 0 {
		t.Errorf("the refusals made %d API calls", n)
	}
}

// An object that does not go (a finalizer nobody removes) ends the wait
// with an error naming it and its finalizers.
func TestPurgeNamesWhatStays(t *testing.T) {
	stuck := obj("v1", "ConfigMap", "lvl", "stuck", "")
	stuck.SetFinalizers([]string{"example.dev/never"})
	p, dyn := fakePurger(stuck)
	dyn.PrependReactor("delete", "configmaps", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, nil // the API keeps it: its finalizer holds it
	})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := p.Purge(ctx, "lvl")
	if err == nil || !strings.Contains(err.Error(), "configmaps/stuck (finalizers example.dev/never)") {
		t.Fatalf("got %v, want an error naming the ConfigMap and its finalizer", err)
	}
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A controller that has not yet seen its owner's deletion re-creates a pod
// under the same name (a StatefulSet does); Purge deletes it in a further
// round.
func TestPurgeDeletesWhatControllersRecreate(t *testing.T) {
	p, dyn := fakePurger(obj("v1", "Pod", "lvl", "web-0", "web"))
	again := obj("v1", "Pod", "lvl", "web-0", "web")
	again.SetUID("uid-Pod-web-0-again")
	recreated := false
	podsGVR := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	dyn.PrependReactor("delete", "pods", func(clienttesting.Action) (bool, runtime.Object, error) {
		if recreated {
			return false, nil, nil
		}
		recreated = true
		if err := dyn.Tracker().Delete(podsGVR, "lvl", "web-0"); err != nil {
			return true, nil, err
		}
		return true, nil, dyn.Tracker().Create(podsGVR, again.DeepCopy(), "lvl")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Purge(ctx, "lvl"); err != nil {
		t.Fatal(err)
	}
	l, err := dyn.Resource(podsGVR).Namespace("lvl").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	deletes := 0
	for _, a := range dyn.Actions() {
		if a.Matches("delete", "pods") {
			deletes++
		}
	}
	if !recreated || deletes != 2 || len(l.Items) != 0 {
		t.Fatalf("re-created %v, %d pod deletions (want 2); pods left: %v", recreated, deletes, l.Items)
	}
}
