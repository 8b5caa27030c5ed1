package kube

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// SyncTimeout bounds how long Start waits for the first list of every watched type.
const SyncTimeout = 15 * time.Second

// Watcher keeps informer caches of the level's namespaces and signals every
// change on a channel of capacity one, so that bursts coalesce into one wake.
type Watcher struct {
	cs         kubernetes.Interface
	namespaces []string
	factories  map[string]informers.SharedInformerFactory
	cluster    informers.SharedInformerFactory
	changes    chan struct{}
	// kinds are the kinds watched in each namespace; denied, those the
	// identity may not list there.
	kinds  map[string][]watchedKind
	denied map[string][]string
	// nsVisible is false when the identity may not list namespaces.
	nsVisible bool

	// stopped is closed once the informers have stopped, after the
	// context given to Start ended.
	stopped  chan struct{}
	stopOnce sync.Once

	mu      sync.Mutex
	lastErr error
	errAt   time.Time
}

// NewWatcher prepares informers for namespaces; Start runs them.
func NewWatcher(cs kubernetes.Interface, namespaces []string) *Watcher {
	w := &Watcher{
		cs:         cs,
		kinds:      map[string][]watchedKind{},
		denied:     map[string][]string{},
		namespaces: append([]string(nil), namespaces...),
		factories:  map[string]informers.SharedInformerFactory{},
		cluster:    informers.NewSharedInformerFactory(cs, 0),
		changes:    make(chan struct{}, 1),
		stopped:    make(chan struct{}),
	}
	for _, ns := range namespaces {
		w.factories[ns] = informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
	}
	return w
}

// Changes wakes once after any number of changes.
func (w *Watcher) Changes() <-chan struct{} { return w.changes }

// Start registers the handlers, starts the informers and waits until their
// caches have synced. When ctx ends, the informers stop and the factories
// are shut down; Stopped is closed once every informer goroutine has exited.
// A watcher is started once.
func (w *Watcher) Start(ctx context.Context) error {
	all, err := w.informers(ctx)
	if err == nil {
		err = w.registerAll(all)
	}
	if err != nil {
		w.stopOnce.Do(func() { close(w.stopped) })
		return err
	}
	w.cluster.Start(ctx.Done())
	for _, f := range w.factories {
		f.Start(ctx.Done())
	}
	go w.shutdownAfter(ctx)
	return w.waitSynced(ctx, all)
}

// Stopped is closed once the informers have stopped after Start's context
// ended (or right away when Start failed before starting them).
func (w *Watcher) Stopped() <-chan struct{} { return w.stopped }

// shutdownAfter waits for ctx to end, then shuts every factory down, which
// waits for the informers' goroutines to exit.
func (w *Watcher) shutdownAfter(ctx context.Context) {
	<-ctx.Done()
	w.cluster.Shutdown()
	for _, f := range w.factories {
		f.Shutdown()
	}
	w.stopOnce.Do(func() { close(w.stopped) })
}

func (w *Watcher) registerAll(all []cache.SharedIndexInformer) error {
	for _, inf := range all {
		if err := w.register(inf); err != nil {
			return err
		}
	}
	return nil
}

// informers returns the informers of every kind the identity may list.
func (w *Watcher) informers(ctx context.Context) ([]cache.SharedIndexInformer, error) {
	var all []cache.SharedIndexInformer
	visible, err := canListNamespaces(ctx, w.cs)
	if err != nil {
		return nil, fmt.Errorf("watch the level's namespaces: %w", err)
	}
	w.nsVisible = visible
	if visible {
		all = append(all, w.cluster.Core().V1().Namespaces().Informer())
	}
	for _, ns := range w.namespaces {
		kinds, denied, err := permitted(ctx, w.cs, ns)
		if err != nil {
			return nil, fmt.Errorf("watch the level's namespaces: %w", err)
		}
		w.kinds[ns], w.denied[ns] = kinds, denied
		for _, k := range kinds {
			inf, err := k.informer(w.factories[ns])
			if err != nil {
				return nil, err
			}
			all = append(all, inf)
		}
	}
	return all, nil
}

// Denied lists, per namespace, the resources the identity may not list;
// checks that need them see none.
func (w *Watcher) Denied() map[string][]string { return w.denied }

func (w *Watcher) register(inf cache.SharedIndexInformer) error {
	_ = inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) { w.setErr(err) })
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { w.poke() },
		UpdateFunc: func(any, any) { w.poke() },
		DeleteFunc: func(any) { w.poke() },
	})
	if err != nil {
		return fmt.Errorf("watch the level's namespaces: %w", err)
	}
	return nil
}

func (w *Watcher) waitSynced(ctx context.Context, all []cache.SharedIndexInformer) error {
	synced := make([]cache.InformerSynced, len(all))
	for i, inf := range all {
		synced[i] = inf.HasSynced
	}
	sctx, cancel := context.WithTimeout(ctx, SyncTimeout)
	defer cancel()
	if !cache.WaitForCacheSync(sctx.Done(), synced...) {
		return fmt.Errorf("watch the level's namespaces: the API server did not answer within %s: %w", SyncTimeout, context.Cause(sctx))
	}
	w.poke()
	return nil
}

func (w *Watcher) poke() {
	w.mu.Lock()
	w.lastErr = nil
	w.mu.Unlock()
	select {
	case w.changes <- struct{}{}:
	default:
	}
}

func (w *Watcher) setErr(err error) {
	w.mu.Lock()
	w.lastErr, w.errAt = err, time.Now()
	w.mu.Unlock()
	select {
	case w.changes <- struct{}{}:
	default:
	}
}

// Err returns the last watch error, cleared by the next event or by ClearErr.
func (w *Watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastErr
}

// ClearErr forgets the last watch error, after the API answered again.
func (w *Watcher) ClearErr() {
	w.mu.Lock()
	w.lastErr = nil
	w.mu.Unlock()
}

// Snapshot reads the caches into a snapshot.Snapshot, every list sorted by
// namespace and name.
func (w *Watcher) Snapshot() *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for _, ns := range w.namespaces {
		for _, k := range w.kinds[ns] {
			// Only a kind missing from the informer scheme fails, and
			// Start has already refused those.
			_ = k.collect(w.factories[ns], ns, s)
		}
		if !w.nsVisible {
			// Without the right to list namespaces, assume they exist.
			s.Namespaces = append(s.Namespaces, ns)
		} else if _, err := w.cluster.Core().V1().Namespaces().Lister().Get(ns); err == nil {
			s.Namespaces = append(s.Namespaces, ns)
		}
	}
	if w.nsVisible {
		s.NamespaceLabels = w.namespaceLabels()
	}
	s.Sort()
	return s
}

// namespaceLabels reads every namespace's labels from the cache.
func (w *Watcher) namespaceLabels() map[string]map[string]string {
	nss, err := w.cluster.Core().V1().Namespaces().Lister().List(labels.Everything())
	if err != nil {
		return nil
	}
	out := make(map[string]map[string]string, len(nss))
	for _, n := range nss {
		out[n.Name] = n.Labels
	}
	return out
}
