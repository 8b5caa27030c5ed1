package kube

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// waitGone blocks, on watches, until none of objs exists any more, and
// returns the other objects of their types that Purge must delete: an object
// re-created under the same name has a new UID, and is one of those. When
// ctx ends first, the error names what is left and its finalizers.
func (p *Purger) waitGone(ctx context.Context, ns string, objs []doomed) ([]doomed, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var left []string
	var fresh []doomed
	for gvr, want := range uids(objs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rest, more := p.waitType(ctx, gvr, ns, want)
			mu.Lock()
			defer mu.Unlock()
			left, fresh = append(left, rest...), append(fresh, more...)
		}()
	}
	wg.Wait()
	if len(left) == 0 {
		return fresh, nil
	}
	sort.Strings(left)
	return nil, fmt.Errorf("still there after waiting: %s: %w", strings.Join(left, ", "), context.Cause(ctx))
}

// waitType waits until no object of type gvr in ns has one of the UIDs in
// want, and returns the others Purge must delete; or, when ctx ends first,
// what is left of want.
func (p *Purger) waitType(ctx context.Context, gvr schema.GroupVersionResource, ns string, want map[types.UID]doomed) ([]string, []doomed) {
	ri := p.dyn.Resource(gvr).Namespace(ns)
	lw := cache.ToListWatcherWithWatchListSemantics(&cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return ri.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return ri.Watch(ctx, o)
		},
	}, p.dyn)
	var store cache.Store
	remaining := func() []string {
		var out []string
		for _, o := range store.List() {
			if m, err := meta.Accessor(o); err == nil {
				if d, ok := want[m.GetUID()]; ok {
					if u, ok := o.(*unstructured.Unstructured); ok {
						d.obj = u
					}
					out = append(out, d.String())
				}
			}
		}
		return out
	}
	pre := func(s cache.Store) (bool, error) {
		store = s
		return len(remaining()) == 0, nil
	}
	// The informer updates the store before it passes an event on, so the
	// store tells what is left after each deletion.
	cond := func(watch.Event) (bool, error) { return len(remaining()) == 0, nil }
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, pre, cond)
	switch {
	case err == nil:
		return nil, others(gvr, store, want)
	case store == nil || errors.Is(err, watchtools.ErrWatchClosed):
		return []string{fmt.Sprintf("%s (%v)", gvr.Resource, err)}, nil
	}
	return remaining(), nil
}

// others returns the objects in store that are not in want and that Purge
// does not keep.
func others(gvr schema.GroupVersionResource, store cache.Store, want map[types.UID]doomed) []doomed {
	var out []doomed
	for _, o := range store.List() {
		u, ok := o.(*unstructured.Unstructured)
		if !ok {
			continue
		}
		if _, old := want[u.GetUID()]; !old && !Kept(gvr.GroupResource(), u.GetName()) {
			out = append(out, doomed{gvr: gvr, obj: u.DeepCopy()})
		}
	}
	return out
}
