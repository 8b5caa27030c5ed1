//go:build kind

package kindcluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// TestKindClassroomConfig creates a cluster of its own (not the shared
// one) with CreateOptions.MaxPods 260 and Learners 50 on top of
// $K8SQUEST_KIND_CONFIG, and reads its node: the kubelet allocates 260
// pods and the node's pod range is a /23; and its controller-manager: it
// runs with the class's client rate. It deletes the cluster at the end.
func TestKindClassroomConfig(t *testing.T) {
	kubeconfig := ownCluster(t, "k8squest-maxpods", CreateOptions{MaxPods: 260, Learners: 50})
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The controller-manager gives the node its pod range a moment after
	// the node registers.
	var n corev1.Node
	for n.Spec.PodCIDR == "" && ctx.Err() == nil {
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil || len(nodes.Items) != 1 {
			t.Fatalf("nodes: %v", err)
		}
		if n = nodes.Items[0]; n.Spec.PodCIDR == "" {
			time.Sleep(200 * time.Millisecond)
		}
	}
	pods := n.Status.Allocatable[corev1.ResourcePods]
	if pods.Value() != 260 || !strings.HasSuffix(n.Spec.PodCIDR, "/23") {
		t.Errorf("node %s: %s allocatable pods, pod range %q; want 260 and a /23\n%s", n.Name, pods.String(), n.Spec.PodCIDR, controllerManager(cs))
	}
	// The controller-manager's mirror pod shows the command kubeadm wrote.
	var cmd []string
	for ctx.Err() == nil {
		if cmd = controllerCommand(ctx, cs); len(cmd) > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Contains(cmd, "--kube-api-qps=200") || !slices.Contains(cmd, "--kube-api-burst=300") {
		t.Errorf("controller-manager command %q: want --kube-api-qps=200 and --kube-api-burst=300 for 50 learners", cmd)
	}
}

// controllerCommand is the controller-manager's command, or nil while its
// mirror pod is not there.
func controllerCommand(ctx context.Context, cs kubernetes.Interface) []string {
	pods, err := cs.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "component=kube-controller-manager"})
	if err != nil || len(pods.Items) == 0 {
		return nil
	}
	return pods.Items[0].Spec.Containers[0].Command
}

// controllerManager is the controller-manager's command and state, for a
// failure's message.
func controllerManager(cs kubernetes.Interface) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pods, err := cs.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "component=kube-controller-manager"})
	if err != nil || len(pods.Items) == 0 {
		return "no controller-manager pod: " + fmt.Sprint(err)
	}
	p := pods.Items[0]
	return fmt.Sprintf("controller-manager %s: %v; %+v", p.Status.Phase, p.Spec.Containers[0].Command, p.Status.ContainerStatuses)
}
