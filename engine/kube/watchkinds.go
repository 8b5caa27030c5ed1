package kube

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/k8squest/k8squest/engine/check"
)

// watchedKind is one resource type the watcher caches in each namespace.
type watchedKind struct {
	resource string
	informer func(informers.SharedInformerFactory) cache.SharedIndexInformer
	// probe lists at most one object, to learn whether the identity may list.
	probe func(ctx context.Context, cs kubernetes.Interface, ns string) error
	// collect appends the cached objects of namespace ns to s.
	collect func(f informers.SharedInformerFactory, ns string, s *check.Snapshot)
}

var one = metav1.ListOptions{Limit: 1}

var everything = labels.Everything()

var watchedKinds = []watchedKind{
	{
		resource: "services",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Services().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.CoreV1().Services(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Core().V1().Services().Lister().Services(ns).List(everything)
			s.Services = append(s.Services, l...)
		},
	},
	{
		resource: "pods",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Pods().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.CoreV1().Pods(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Core().V1().Pods().Lister().Pods(ns).List(everything)
			s.Pods = append(s.Pods, l...)
		},
	},
	{
		resource: "endpointslices",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Discovery().V1().EndpointSlices().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.DiscoveryV1().EndpointSlices(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Discovery().V1().EndpointSlices().Lister().EndpointSlices(ns).List(everything)
			s.EndpointSlices = append(s.EndpointSlices, l...)
		},
	},
	{
		resource: "statefulsets",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().StatefulSets().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.AppsV1().StatefulSets(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Apps().V1().StatefulSets().Lister().StatefulSets(ns).List(everything)
			s.StatefulSets = append(s.StatefulSets, l...)
		},
	},
	{
		resource: "deployments",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().Deployments().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.AppsV1().Deployments(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Apps().V1().Deployments().Lister().Deployments(ns).List(everything)
			s.Deployments = append(s.Deployments, l...)
		},
	},
	{
		resource: "ingresses",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Networking().V1().Ingresses().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.NetworkingV1().Ingresses(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Networking().V1().Ingresses().Lister().Ingresses(ns).List(everything)
			s.Ingresses = append(s.Ingresses, l...)
		},
	},
	{
		resource: "networkpolicies",
		informer: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Networking().V1().NetworkPolicies().Informer()
		},
		probe: func(ctx context.Context, cs kubernetes.Interface, ns string) error {
			_, err := cs.NetworkingV1().NetworkPolicies(ns).List(ctx, one)
			return err
		},
		collect: func(f informers.SharedInformerFactory, ns string, s *check.Snapshot) {
			l, _ := f.Networking().V1().NetworkPolicies().Lister().NetworkPolicies(ns).List(everything)
			s.NetworkPolicies = append(s.NetworkPolicies, l...)
		},
	},
}

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
