package kube

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
)

// PurgeTimeout bounds one Purge, waiting for terminating pods included.
const PurgeTimeout = 2 * time.Minute

// PurgePodGrace caps the grace period a pod gets when a namespace is purged:
// a reset must not wait out a player's pod that ignores SIGTERM.
const PurgePodGrace int64 = 2

// purgeRounds bounds how often Purge lists again for objects that controllers
// re-created while it deleted their owners.
const purgeRounds = 6

// purgeWorkers is how many API requests Purge has in flight at once.
const purgeWorkers = 16

// Purger empties a namespace in place: it deletes every namespaced object a
// level or its player made, found through discovery, and keeps the objects
// the game and the cluster's own controllers own there. Deleting objects in
// place takes a fraction of a second, where deleting and re-creating the
// namespace waits for the namespace controller for seconds.
type Purger struct {
	dyn  dynamic.Interface
	disc discovery.DiscoveryInterface
}

// NewPurger builds a Purger from a dynamic client and discovery.
func NewPurger(dyn dynamic.Interface, disc discovery.DiscoveryInterface) *Purger {
	return &Purger{dyn: dyn, disc: disc}
}

// doomed is one object Purge deletes.
type doomed struct {
	gvr schema.GroupVersionResource
	obj *unstructured.Unstructured
}

func (d doomed) String() string {
	s := d.gvr.Resource + "/" + d.obj.GetName()
	if d.gvr.Group != "" {
		s = d.gvr.Resource + "." + d.gvr.Group + "/" + d.obj.GetName()
	}
	if f := d.obj.GetFinalizers(); len(f) > 0 {
		s += " (finalizers " + strings.Join(f, ", ") + ")"
	}
	return s
}

// Purge deletes everything in namespace ns that the game does not keep (see
// Kept), waits until it is actually gone, and then deletes the namespace's
// events. Objects that controllers re-create while their owners go away are
// deleted in a further round. A namespace that does not exist is already
// empty; one of the cluster's own (see Protected) is refused.
func (p *Purger) Purge(ctx context.Context, ns string) error {
	if Protected(ns) {
		return fmt.Errorf("empty namespace %s: it belongs to the cluster or to the game, not to a level; choose another namespace with -n", ns)
	}
	ctx, cancel := context.WithTimeout(ctx, PurgeTimeout)
	defer cancel()
	res, err := p.resources(ctx)
	if err != nil {
		return fmt.Errorf("empty namespace %s: %w", ns, err)
	}
	left, err := p.list(ctx, res, ns)
	for round := 0; err == nil && len(left) > 0; round++ {
		if round == purgeRounds {
			return fmt.Errorf("empty namespace %s: objects were still being re-created after %d rounds of deletion: %s", ns, purgeRounds, names(left))
		}
		if err = p.deleteAll(ctx, left); err == nil {
			left, err = p.settle(ctx, ns, left)
		}
	}
	if err != nil {
		return fmt.Errorf("empty namespace %s: %w", ns, err)
	}
	return p.dropEvents(ctx, res, ns)
}

// settle waits until the deleted objects that outlive their delete call
// (pods, objects held by finalizers) are gone, and returns what is left of
// the types it deleted from: objects that controllers re-created while their
// owners went away. Only those types are looked at again: a controller
// re-creates what it manages, and an owner deleted before its dependents
// leaves none behind for it to act on. The types nothing lingers in are
// listed while the wait runs; the wait's own watch shows the others.
func (p *Purger) settle(ctx context.Context, ns string, deleted []doomed) ([]doomed, error) {
	linger := lingering(deleted)
	waiting := uids(linger)
	var others []schema.GroupVersionResource
	for gvr := range uids(deleted) {
		if _, ok := waiting[gvr]; !ok {
			others = append(others, gvr)
		}
	}
	var listed []doomed
	var listErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		listed, listErr = p.list(ctx, others, ns)
	}()
	fresh, waitErr := p.waitGone(ctx, ns, linger)
	<-done
	if err := errors.Join(waitErr, listErr); err != nil {
		return nil, err
	}
	return append(listed, fresh...), nil
}

func names(objs []doomed) string {
	s := make([]string, len(objs))
	for i, d := range objs {
		s[i] = d.String()
	}
	return strings.Join(s, ", ")
}

// resources lists, through discovery, every namespaced resource type that can
// be listed and deleted, at its preferred version. Groups whose discovery
// failed (an aggregated API that is down) are left out: nothing can be
// deleted through them anyway.
func (p *Purger) resources(ctx context.Context) ([]schema.GroupVersionResource, error) {
	lists, err := discovery.ServerPreferredNamespacedResourcesWithContext(ctx, discovery.ToDiscoveryInterfaceWithContext(p.disc))
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("discover the API's resource types: %w", err)
	}
	lists = discovery.FilteredBy(discovery.SupportsAllVerbs{Verbs: []string{"list", "delete"}}, lists)
	set, err := discovery.GroupVersionResources(lists)
	if err != nil {
		return nil, fmt.Errorf("discover the API's resource types: %w", err)
	}
	out := make([]schema.GroupVersionResource, 0, len(set))
	for gvr := range set {
		if !strings.Contains(gvr.Resource, "/") {
			out = append(out, gvr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// list returns every object of the given types in ns that Purge must delete.
// Events are left to dropEvents: controllers keep writing them while their
// objects go away, so waiting for them to be gone would never end.
func (p *Purger) list(ctx context.Context, res []schema.GroupVersionResource, ns string) ([]doomed, error) {
	var mu sync.Mutex
	var out []doomed
	err := parallel(len(res), func(i int) error {
		gvr := res[i]
		if isEvents(gvr) {
			return nil
		}
		l, err := p.dyn.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
		switch {
		case apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err):
			return nil
		case err != nil:
			return fmt.Errorf("list %s: %w", gvr.Resource, err)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range l.Items {
			if !Kept(gvr.GroupResource(), l.Items[i].GetName()) {
				out = append(out, doomed{gvr: gvr, obj: &l.Items[i]})
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, err
}

// Protected reports whether namespace ns belongs to the cluster or to the
// game itself, so that no level may be set up, and emptied, in it.
func Protected(ns string) bool {
	switch ns {
	case metav1.NamespaceDefault, metav1.NamespaceSystem, metav1.NamespacePublic, "kube-node-lease", PlayersNamespace:
		return true
	}
	return false
}

// Kept reports whether the object of type gr called name is one Purge keeps:
// the player's Role and RoleBinding (so the player's access stays valid
// through a reset), and what the cluster's controllers put in every
// namespace (the default ServiceAccount and the kube-root-ca.crt ConfigMap,
// which they would only re-create), and the level's ResourceQuota and
// LimitRange, which protect the namespace while the player works in it.
func Kept(gr schema.GroupResource, name string) bool {
	switch gr {
	case schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "roles"},
		schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}:
		return name == playerRole
	case schema.GroupResource{Resource: "serviceaccounts"}:
		return name == "default"
	case schema.GroupResource{Resource: "configmaps"}:
		return name == "kube-root-ca.crt"
	case schema.GroupResource{Resource: "resourcequotas"}, schema.GroupResource{Resource: "limitranges"}:
		return name == QuotaName
	}
	return false
}

func isEvents(gvr schema.GroupVersionResource) bool {
	return gvr.Resource == "events" && (gvr.Group == "" || gvr.Group == "events.k8s.io")
}

// lingering returns the objects that may outlive their delete call: pods,
// which the kubelet stops first, and objects held by finalizers. Any other
// object is gone when the API answers the delete; one that gained a
// finalizer meanwhile shows up in Purge's next list.
func lingering(objs []doomed) []doomed {
	var out []doomed
	for _, d := range objs {
		if isPod(d.gvr) || len(d.obj.GetFinalizers()) > 0 || d.obj.GetDeletionTimestamp() != nil {
			out = append(out, d)
		}
	}
	return out
}

func isPod(gvr schema.GroupVersionResource) bool { return gvr.Group == "" && gvr.Resource == "pods" }

// parallel runs f(0..n-1) with at most purgeWorkers at once and returns the
// first error.
func parallel(n int, f func(i int) error) error {
	sem := make(chan struct{}, purgeWorkers)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// uids groups objects' UIDs by resource type.
func uids(objs []doomed) map[schema.GroupVersionResource]map[types.UID]doomed {
	out := map[schema.GroupVersionResource]map[types.UID]doomed{}
	for _, d := range objs {
		if out[d.gvr] == nil {
			out[d.gvr] = map[types.UID]doomed{}
		}
		out[d.gvr][d.obj.GetUID()] = d
	}
	return out
}
