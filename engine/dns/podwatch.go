package dns

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// podWatch follows the pods of the DNS namespace with an informer, so that
// finding a Ready DNS pod costs no API call and waiting for one needs no
// polling. The informer starts on first use and stops with stop.
type podWatch struct {
	cs   kubernetes.Interface
	ns   string
	sels podSelectors

	once    sync.Once
	cancel  context.CancelFunc
	factory informers.SharedInformerFactory
	inf     cache.SharedIndexInformer

	mu      sync.Mutex
	changed chan struct{}
	listErr error
	stopped bool
}

func newPodWatch(cs kubernetes.Interface, ns string, selectors []string) (*podWatch, error) {
	sels, err := parseSelectors(selectors)
	if err != nil {
		return nil, err
	}
	return &podWatch{cs: cs, ns: ns, sels: sels, changed: make(chan struct{})}, nil
}

// start runs the informer, once.
func (w *podWatch) start() {
	w.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		f := informers.NewSharedInformerFactoryWithOptions(w.cs, 0, informers.WithNamespace(w.ns))
		inf := f.Core().V1().Pods().Informer()
		_ = inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) { w.setErr(err) })
		_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { w.signal() },
			UpdateFunc: func(any, any) { w.signal() },
			DeleteFunc: func(any) { w.signal() },
		})
		f.Start(ctx.Done())
		synced := inf.HasSyncedChecker().Done()
		go func() {
			select {
			case <-synced:
				w.signal()
			case <-ctx.Done():
			}
		}()
		w.cancel, w.factory, w.inf = cancel, f, inf
	})
}

// stop ends the informer; a podWatch that never started stays stopped.
func (w *podWatch) stop() {
	w.once.Do(func() {})
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
		w.factory.Shutdown()
	}
}

func (w *podWatch) setErr(err error) {
	w.mu.Lock()
	w.listErr = err
	w.mu.Unlock()
	w.signal()
}

// signal wakes everyone waiting for a change.
func (w *podWatch) signal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.changed)
	w.changed = make(chan struct{})
}

// changes returns a channel closed at the next change.
func (w *podWatch) changes() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// pick returns a Ready DNS pod now, preferring one other than avoid. synced
// is false while the first list has not come back.
func (w *podWatch) pick(avoid string) (pod string, why *UnavailableError, synced bool) {
	w.mu.Lock()
	stopped, listErr := w.stopped, w.listErr
	w.mu.Unlock()
	if stopped || w.inf == nil {
		return "", unavailable(nil, "the DNS resolver is closed"), false
	}
	if !w.inf.HasSynced() {
		if listErr != nil {
			return "", listReason(w.ns, listErr), false
		}
		return "", unavailable(nil, "still looking for the DNS pod in "+w.ns), false
	}
	var pods []*corev1.Pod
	for _, o := range w.inf.GetStore().List() {
		if p, ok := o.(*corev1.Pod); ok {
			pods = append(pods, p)
		}
	}
	pod, why = w.sels.choose(w.ns, pods, avoid)
	return pod, why, true
}

// usable reports whether pod is still a Ready DNS pod as far as the watch
// knows; before the first list comes back it says yes.
func (w *podWatch) usable(pod string) bool {
	if w.inf == nil || !w.inf.HasSynced() {
		return true
	}
	o, ok, err := w.inf.GetStore().GetByKey(w.ns + "/" + pod)
	if err != nil || !ok {
		return false
	}
	p, ok := o.(*corev1.Pod)
	return ok && podReady(p)
}

func listReason(ns string, err error) *UnavailableError {
	if apierrors.IsForbidden(err) {
		return unavailable(err, fmt.Sprintf("forbidden: list pods in %s (needed to find the DNS pod)", ns))
	}
	return unavailable(err, fmt.Sprintf("cannot list pods in %s: %v", ns, err))
}

// current returns a Ready DNS pod as soon as the informer knows the pods,
// waiting (until ctx ends) only for its first list.
func (w *podWatch) current(ctx context.Context, avoid string) (string, error) {
	w.start()
	for {
		ch := w.changes()
		pod, why, synced := w.pick(avoid)
		if pod != "" {
			return pod, nil
		}
		if synced || why.Err != nil {
			return "", why
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", why
		}
	}
}

// await waits until a DNS pod is Ready or ctx ends. It gives up early when
// listing pods is forbidden, and when no DNS pod exists at all after
// noPodGrace (a cluster whose DNS runs elsewhere will not grow one).
// onWait, when set, hears each new reason for waiting.
func (w *podWatch) await(ctx context.Context, avoid string, noPodGrace time.Duration, onWait func(string)) (string, error) {
	w.start()
	grace := time.NewTimer(noPodGrace)
	defer grace.Stop()
	graceOver, said := false, ""
	for {
		ch := w.changes()
		pod, why, synced := w.pick(avoid)
		switch {
		case pod != "":
			return pod, nil
		case apierrors.IsForbidden(why):
			return "", why
		case graceOver && synced && errors.Is(why, ErrNoDNSPod):
			return "", why
		}
		if onWait != nil && why.Reason != said {
			said = why.Reason
			onWait(said)
		}
		select {
		case <-ch:
		case <-grace.C:
			graceOver = true
		case <-ctx.Done():
			return "", why
		}
	}
}
