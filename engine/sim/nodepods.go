package sim

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// NodePods is the sim node's pod capacity. kwok's node takes what its
// status says; the kubelet's default, 110, held only 36 copies of level 30.
// 256 holds a workshop of 50 learners on level 30 at 4 pods each (its 3
// and one spare; sim runs no shell pods) with room for 56 more pods.
const NodePods = 256

// EnsureNodePods raises the sim node's pod capacity and allocatable to at
// least pods, for a node created by an older build. It never lowers them.
// kwok writes the node's status too (its heartbeat), so a conflict is
// retried on a fresh read.
func EnsureNodePods(ctx context.Context, cs kubernetes.Interface, pods int) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := cs.CoreV1().Nodes().Get(ctx, NodeName, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("get node %s for its pod capacity: %w", NodeName, err)
		}
		if !raisePods(n, pods) {
			return nil
		}
		if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("raise node %s's pod capacity to %d: %w", NodeName, pods, err)
		}
		return nil
	})
}

// raisePods raises n's pod capacity and allocatable to pods, saying
// whether it changed anything.
func raisePods(n *corev1.Node, pods int) bool {
	want := *resource.NewQuantity(int64(pods), resource.DecimalSI)
	if n.Status.Capacity == nil {
		n.Status.Capacity = corev1.ResourceList{}
	}
	if n.Status.Allocatable == nil {
		n.Status.Allocatable = corev1.ResourceList{}
	}
	changed := false
	for _, l := range []corev1.ResourceList{n.Status.Capacity, n.Status.Allocatable} {
		if have, ok := l[corev1.ResourcePods]; !ok || have.Cmp(want) < 0 {
			l[corev1.ResourcePods] = want
			changed = true
		}
	}
	return changed
}
