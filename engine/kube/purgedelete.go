package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// deleteTier orders deletion so that controllers do not re-create what was
// just deleted: owners first (a Deployment before its ReplicaSet, a Service
// before its EndpointSlices), then owned objects, then pods.
func deleteTier(d doomed) int {
	switch {
	case isPod(d.gvr):
		return 2
	case len(d.obj.GetOwnerReferences()) > 0:
		return 1
	default:
		return 0
	}
}

// deleteAll deletes the objects tier by tier, in the background (the API
// removes an owner at once and the garbage collector its dependents), each
// pod with a grace period of at most PurgePodGrace.
func (p *Purger) deleteAll(ctx context.Context, objs []doomed) error {
	for tier := 0; tier <= 2; tier++ {
		var batch []doomed
		for _, d := range objs {
			if deleteTier(d) == tier && d.obj.GetDeletionTimestamp() == nil {
				batch = append(batch, d)
			}
		}
		if err := parallel(len(batch), func(i int) error { return p.deleteOne(ctx, batch[i]) }); err != nil {
			return err
		}
	}
	return nil
}

func (p *Purger) deleteOne(ctx context.Context, d doomed) error {
	bg := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &bg}
	if isPod(d.gvr) {
		opts.GracePeriodSeconds = podGrace(d.obj)
	}
	err := p.dyn.Resource(d.gvr).Namespace(d.obj.GetNamespace()).Delete(ctx, d.obj.GetName(), opts)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %s: %w", d, err)
	}
	return nil
}

// podGrace is the pod's own grace period, capped at PurgePodGrace.
func podGrace(pod *unstructured.Unstructured) *int64 {
	g := PurgePodGrace
	if own, found, _ := unstructured.NestedInt64(pod.Object, "spec", "terminationGracePeriodSeconds"); found && own < g {
		g = max(own, 0)
	}
	return &g
}

// dropEvents deletes the namespace's events once, so that a reset level
// shows only its own. Events written later by controllers are not waited for.
func (p *Purger) dropEvents(ctx context.Context, res []schema.GroupVersionResource, ns string) error {
	for _, gvr := range res {
		if !isEvents(gvr) || gvr.Group != "" {
			continue
		}
		err := p.dyn.Resource(gvr).Namespace(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsMethodNotSupported(err) {
			return fmt.Errorf("delete the events in namespace %s: %w", ns, err)
		}
	}
	return nil
}
