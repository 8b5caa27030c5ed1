package classroom

import (
	"context"
	"fmt"
	"net"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ReadRoom reads the nodes' allocatable pods and the pods already running
// from the API. learnerNS says which namespaces are learners' (nil: none).
func ReadRoom(ctx context.Context, cs kubernetes.Interface, learnerNS func(string) bool) (Room, error) {
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return Room{}, fmt.Errorf("list nodes for the workshop's capacity: %w", err)
	}
	pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return Room{}, fmt.Errorf("list pods for the workshop's capacity: %w", err)
	}
	return roomOf(nodes.Items, pods.Items, learnerNS), nil
}

// roomOf is ReadRoom's arithmetic.
func roomOf(nodes []corev1.Node, pods []corev1.Pod, learnerNS func(string) bool) Room {
	used, hostNet := map[string]int{}, map[string]int{}
	var room Room
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		if p.Spec.HostNetwork && p.Spec.NodeName != "" {
			hostNet[p.Spec.NodeName]++
		}
		if learnerNS != nil && learnerNS(p.Namespace) {
			room.LearnerPods++
		}
		if p.Spec.NodeName == "" {
			room.Pending++
			continue
		}
		used[p.Spec.NodeName]++
	}
	for _, n := range nodes {
		alloc := n.Status.Allocatable[corev1.ResourcePods]
		why := unusable(&n)
		r := NodeRoom{Name: n.Name, Allocatable: int(alloc.Value()), Used: used[n.Name], Usable: why == "", Why: why}
		// Pods on the node's network take an address of its pod range;
		// pods on the host's network do not.
		if addrs, cidr := podAddresses(&n); addrs > 0 && addrs+hostNet[n.Name] < r.Allocatable {
			r.Allocatable, r.Range = addrs+hostNet[n.Name], fmt.Sprintf("%s: %d addresses", cidr, addrs)
		}
		room.Nodes = append(room.Nodes, r)
	}
	return room
}

// podAddresses is how many pod addresses n's IPv4 pod range holds besides
// its network, gateway and broadcast addresses, and the range; 0 when n
// names no IPv4 range.
func podAddresses(n *corev1.Node) (int, string) {
	cidr := n.Spec.PodCIDR
	if len(n.Spec.PodCIDRs) > 0 {
		cidr = n.Spec.PodCIDRs[0]
	}
	_, ipnet, err := net.ParseCIDR(cidr)
	if err != nil || ipnet.IP.To4() == nil {
		return 0, ""
	}
	ones, _ := ipnet.Mask.Size()
	if ones < 12 {
		return 0, ""
	}
	return 1<<(32-ones) - 3, cidr
}

// unusable says why a node takes no new pods, "" when it does.
func unusable(n *corev1.Node) string {
	if n.Spec.Unschedulable {
		return "cordoned"
	}
	ready := false
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			ready = c.Status == corev1.ConditionTrue
		}
	}
	if !ready {
		return "not Ready"
	}
	for _, t := range n.Spec.Taints {
		if t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute {
			return fmt.Sprintf("tainted %s=%s:%s", t.Key, t.Value, t.Effect)
		}
	}
	return ""
}
