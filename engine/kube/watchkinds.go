package kube

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// watchedKind is one resource type the watcher caches in each namespace.
type watchedKind struct {
	resource string
	informer func(informers.SharedInformerFactory) (cache.SharedIndexInformer, error)
	// probe lists at most one object, to learn whether the identity may list.
	probe func(ctx context.Context, cs kubernetes.Interface, ns string) error
	// collect appends the cached objects of namespace ns to s.
	collect func(f informers.SharedInformerFactory, ns string, s *snapshot.Snapshot) error
}

// lister is the List call of every typed client.
type lister[L any] interface {
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
}

// kindOf makes the table entry of one kind: the API group, version and
// resource its informer watches, the snapshot field it fills, and the
// typed client whose List probes the right to list it.
func kindOf[T runtime.Object, L any](gv schema.GroupVersion, resource string, field func(*snapshot.Snapshot) *[]T, client func(kubernetes.Interface, string) lister[L]) watchedKind {
	gvr := gv.WithResource(resource)
	return watchedKind{
		resource: resource,
		informer: func(f informers.SharedInformerFactory) (cache.SharedIndexInformer, error) {
			gi, err := f.ForResource(gvr)
			if err != nil {
				return nil, fmt.Errorf("watch %s: %w", resource, err)
			}
			return gi.Informer(), nil
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := client(cs, ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *snapshot.Snapshot) error {
			gi, err := f.ForResource(gvr)
			if err != nil {
				return fmt.Errorf("read %s: %w", resource, err)
			}
			objs, err := gi.Lister().ByNamespace(ns).List(labels.Everything())
			if err != nil {
				return fmt.Errorf("read %s: %w", resource, err)
			}
			dst := field(s)
			for _, o := range objs {
				if t, ok := o.(T); ok {
					*dst = append(*dst, t)
				}
			}
			return nil
		},
	}
}

var one = metav1.ListOptions{Limit: 1}

// watchedKinds are the kinds of the snapshot; adding one is one entry.
var watchedKinds = []watchedKind{
	kindOf(corev1.SchemeGroupVersion, "services", func(s *snap) *[]*corev1.Service { return &s.Services },
		func(c cs, ns string) lister[*corev1.ServiceList] { return c.CoreV1().Services(ns) }),
	kindOf(corev1.SchemeGroupVersion, "pods", func(s *snap) *[]*corev1.Pod { return &s.Pods },
		func(c cs, ns string) lister[*corev1.PodList] { return c.CoreV1().Pods(ns) }),
	kindOf(discoveryv1.SchemeGroupVersion, "endpointslices", func(s *snap) *[]*discoveryv1.EndpointSlice { return &s.EndpointSlices },
		func(c cs, ns string) lister[*discoveryv1.EndpointSliceList] {
			return c.DiscoveryV1().EndpointSlices(ns)
		}),
	kindOf(appsv1.SchemeGroupVersion, "statefulsets", func(s *snap) *[]*appsv1.StatefulSet { return &s.StatefulSets },
		func(c cs, ns string) lister[*appsv1.StatefulSetList] { return c.AppsV1().StatefulSets(ns) }),
	kindOf(appsv1.SchemeGroupVersion, "deployments", func(s *snap) *[]*appsv1.Deployment { return &s.Deployments },
		func(c cs, ns string) lister[*appsv1.DeploymentList] { return c.AppsV1().Deployments(ns) }),
	kindOf(networkingv1.SchemeGroupVersion, "ingresses", func(s *snap) *[]*networkingv1.Ingress { return &s.Ingresses },
		func(c cs, ns string) lister[*networkingv1.IngressList] { return c.NetworkingV1().Ingresses(ns) }),
	kindOf(networkingv1.SchemeGroupVersion, "networkpolicies", func(s *snap) *[]*networkingv1.NetworkPolicy { return &s.NetworkPolicies },
		func(c cs, ns string) lister[*networkingv1.NetworkPolicyList] {
			return c.NetworkingV1().NetworkPolicies(ns)
		}),
}

// Short names for the table above.
type (
	snap = snapshot.Snapshot
	cs   = kubernetes.Interface
)

// permitted probes which kinds the identity may list in ns. A kind it may
// not list is left out of the watch (its snapshot slice stays empty) rather
// than keeping the caches from ever syncing. Other errors are returned.
func permitted(ctx context.Context, cs kubernetes.Interface, ns string) ([]watchedKind, []string, error) {
	var ok []watchedKind
	var denied []string
	for _, k := range watchedKinds {
		err := k.probe(ctx, cs, ns)
		switch {
		case err == nil:
			ok = append(ok, k)
		case apierrors.IsForbidden(err):
			denied = append(denied, k.resource)
		default:
			return nil, nil, err
		}
	}
	return ok, denied, nil
}

// canListNamespaces reports whether the identity may list namespaces.
func canListNamespaces(ctx context.Context, cs kubernetes.Interface) (bool, error) {
	_, err := cs.CoreV1().Namespaces().List(ctx, one)
	if apierrors.IsForbidden(err) {
		return false, nil
	}
	return err == nil, err
}
