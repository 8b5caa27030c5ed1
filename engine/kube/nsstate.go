package kube

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// NamespaceState is what a namespace is doing.
type NamespaceState int

const (
	// NamespaceMissing means there is no such namespace.
	NamespaceMissing NamespaceState = iota
	// NamespaceActive means the namespace exists and takes new objects.
	NamespaceActive
	// NamespaceTerminating means the namespace is being deleted: it refuses
	// new objects until it is gone.
	NamespaceTerminating
)

// String implements fmt.Stringer.
func (s NamespaceState) String() string {
	switch s {
	case NamespaceMissing:
		return "missing"
	case NamespaceActive:
		return "active"
	case NamespaceTerminating:
		return "terminating"
	default:
		return "unknown"
	}
}

// StateOfNamespace reads whether namespace name exists and whether it is
// being deleted.
func StateOfNamespace(ctx context.Context, cs kubernetes.Interface, name string) (NamespaceState, error) {
	ns, err := cs.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return NamespaceMissing, nil
	case err != nil:
		return NamespaceMissing, fmt.Errorf("read namespace %s: %w", name, err)
	case ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating:
		return NamespaceTerminating, nil
	}
	return NamespaceActive, nil
}

// WaitNamespaceGone waits until namespace name, already being deleted, is gone.
func WaitNamespaceGone(ctx context.Context, cs kubernetes.Interface, name string) error {
	return waitGone(ctx, cs, name)
}
