package kube

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// Labels the game puts on every namespace it creates, so that a classroom
// board or `doctor` can find them.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelLevel     = "k8squest.dev/level"
)

// EnsureNamespace creates namespace name labelled for level (0: no level)
// when missing, enforcing the baseline Pod Security profile from the start.
// Protect sets a level's own protections.
func EnsureNamespace(ctx context.Context, cs kubernetes.Interface, name string, level int) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   name,
		Labels: namespaceLabels(level, Protections{}),
	}}
	_, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

// DeleteNamespace deletes namespace name and waits until it is gone, so that
// a set-up that follows starts clean. A missing namespace is not an error.
func DeleteNamespace(ctx context.Context, cs kubernetes.Interface, name string) error {
	err := cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", name, err)
	}
	return waitGone(ctx, cs, name)
}

// waitGone blocks until the namespace disappears, the way kubectl wait
// --for=delete does: list once, then watch.
func waitGone(ctx context.Context, cs kubernetes.Interface, name string) error {
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	nss := cs.CoreV1().Namespaces()
	lw := ByName(name, nss.List, nss.Watch)
	gone := func(store cache.Store) (bool, error) { return len(store.List()) == 0, nil }
	deleted := func(e watch.Event) (bool, error) { return e.Type == watch.Deleted, nil }
	_, err := watchtools.UntilWithSync(wctx, lw, &corev1.Namespace{}, gone, deleted)
	if err != nil && ctx.Err() != nil {
		// watchtools says "timed out waiting for the condition" for any end
		// of its context; a cancelled caller (Ctrl+C) gets its own error.
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("wait for namespace %s to be deleted: %w", name, err)
	}
	return nil
}
