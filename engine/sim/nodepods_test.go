package sim

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func nodePods(t *testing.T, cs *fake.Clientset) (capacity, allocatable int64) {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), NodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, a := n.Status.Capacity[corev1.ResourcePods], n.Status.Allocatable[corev1.ResourcePods]
	return c.Value(), a.Value()
}

func TestNewNodeHoldsAWorkshop(t *testing.T) {
	n := simNode()
	pods := n.Status.Allocatable[corev1.ResourcePods]
	// 50 learners on level 30: its 3 pods and one spare each.
	if pods.Value() != NodePods || NodePods < 50*4 {
		t.Errorf("the sim node allocates %d pods, want NodePods (%d) and at least 200", pods.Value(), NodePods)
	}
}

func TestEnsureNodePodsRaisesAnOldNode(t *testing.T) {
	old := simNode()
	for _, l := range []corev1.ResourceList{old.Status.Capacity, old.Status.Allocatable} {
		l[corev1.ResourcePods] = mustQuantity("110")
	}
	cs := fake.NewClientset(old)
	if err := EnsureNodePods(context.Background(), cs, NodePods); err != nil {
		t.Fatal(err)
	}
	if c, a := nodePods(t, cs); c != NodePods || a != NodePods {
		t.Errorf("after EnsureNodePods: capacity %d, allocatable %d; want %d", c, a, NodePods)
	}
	if err := EnsureNodePods(context.Background(), cs, 50); err != nil {
		t.Fatal(err)
	}
	if c, a := nodePods(t, cs); c != NodePods || a != NodePods {
		t.Errorf("EnsureNodePods lowered the node: capacity %d, allocatable %d", c, a)
	}
}

func TestEnsureNodePodsWithoutNode(t *testing.T) {
	err := EnsureNodePods(context.Background(), fake.NewClientset(), NodePods)
	if err == nil {
		t.Fatal("no node, no error")
	}
}
