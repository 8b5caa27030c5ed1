// Package snapshot holds the read of a level's namespaces that the watcher
// takes from its informer caches and that checks, the linter and drills
// look at. It is a leaf: it imports only the Kubernetes API types.
package snapshot

import (
	"cmp"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Snapshot is a consistent-enough read of the watched namespaces, taken from
// informer caches. The watcher sorts every slice by namespace and name (see
// Sort); the lookups below return their results in that order whatever the
// order of the slices, so that a verdict never depends on it.
type Snapshot struct {
	Services        []*corev1.Service
	Pods            []*corev1.Pod
	EndpointSlices  []*discoveryv1.EndpointSlice
	StatefulSets    []*appsv1.StatefulSet
	Deployments     []*appsv1.Deployment
	Ingresses       []*networkingv1.Ingress
	NetworkPolicies []*networkingv1.NetworkPolicy
	// Namespaces lists the watched namespaces that exist.
	Namespaces []string
	// NamespaceLabels holds the labels of every namespace of the cluster,
	// for NetworkPolicy namespaceSelectors; nil when the identity may not
	// list namespaces.
	NamespaceLabels map[string]map[string]string
}

// Service returns the named Service, or nil.
func (s *Snapshot) Service(ns, name string) *corev1.Service {
	for _, o := range s.Services {
		if o.Namespace == ns && o.Name == name {
			return o
		}
	}
	return nil
}

// StatefulSet returns the named StatefulSet, or nil.
func (s *Snapshot) StatefulSet(ns, name string) *appsv1.StatefulSet {
	for _, o := range s.StatefulSets {
		if o.Namespace == ns && o.Name == name {
			return o
		}
	}
	return nil
}

// Deployment returns the named Deployment, or nil.
func (s *Snapshot) Deployment(ns, name string) *appsv1.Deployment {
	for _, o := range s.Deployments {
		if o.Namespace == ns && o.Name == name {
			return o
		}
	}
	return nil
}

// Ingress returns the named Ingress, or nil.
func (s *Snapshot) Ingress(ns, name string) *networkingv1.Ingress {
	for _, o := range s.Ingresses {
		if o.Namespace == ns && o.Name == name {
			return o
		}
	}
	return nil
}

// Pod returns the named Pod, or nil.
func (s *Snapshot) Pod(ns, name string) *corev1.Pod {
	for _, o := range s.Pods {
		if o.Namespace == ns && o.Name == name {
			return o
		}
	}
	return nil
}

// PodsMatching returns the live pods in ns whose labels match sel. A nil or
// empty selector matches nothing, as a Service's does.
func (s *Snapshot) PodsMatching(ns string, sel map[string]string) []*corev1.Pod {
	if len(sel) == 0 {
		return nil
	}
	ls := labels.SelectorFromSet(sel)
	var out []*corev1.Pod
	for _, p := range s.Pods {
		if p.Namespace == ns && p.DeletionTimestamp == nil && ls.Matches(labels.Set(p.Labels)) {
			out = append(out, p)
		}
	}
	SortByName(out)
	return out
}

// SlicesFor returns the EndpointSlices that belong to Service ns/name.
func (s *Snapshot) SlicesFor(ns, name string) []*discoveryv1.EndpointSlice {
	var out []*discoveryv1.EndpointSlice
	for _, es := range s.EndpointSlices {
		if es.Namespace == ns && es.Labels[discoveryv1.LabelServiceName] == name {
			out = append(out, es)
		}
	}
	SortByName(out)
	return out
}

// HasNamespace reports whether ns exists.
func (s *Snapshot) HasNamespace(ns string) bool {
	for _, n := range s.Namespaces {
		if n == ns {
			return true
		}
	}
	return false
}

// Sort orders every slice of s by namespace and name.
func (s *Snapshot) Sort() {
	SortByName(s.Services)
	SortByName(s.Pods)
	SortByName(s.EndpointSlices)
	SortByName(s.StatefulSets)
	SortByName(s.Deployments)
	SortByName(s.Ingresses)
	SortByName(s.NetworkPolicies)
	slices.Sort(s.Namespaces)
}

// SortByName orders objects by namespace, then name, in place.
func SortByName[T metav1.Object](objs []T) {
	slices.SortFunc(objs, func(a, b T) int {
		return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
	})
}

// PodReady reports whether p has condition Ready=True.
func PodReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
