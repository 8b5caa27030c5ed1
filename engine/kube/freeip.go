package kube

import (
	"context"
	"fmt"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
)

// AvoidTakenClusterIPs moves every Service's fixed clusterIP that another
// Service in the cluster already holds (another player's copy of the same
// level, say) to the next free address of the same range, and returns one
// note per change. A ClusterIP is unique cluster-wide, so this is what lets
// several players share a cluster.
func AvoidTakenClusterIPs(ctx context.Context, cs kubernetes.Interface, objs []*unstructured.Unstructured, ranges []netip.Prefix) ([]string, error) {
	list, err := cs.CoreV1().Services(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list Services to find free cluster IPs: %w", err)
	}
	taken := map[netip.Addr]string{}
	for _, s := range list.Items {
		for _, ip := range s.Spec.ClusterIPs {
			if a, err := netip.ParseAddr(ip); err == nil {
				taken[a] = s.Namespace + "/" + s.Name
			}
		}
	}
	var notes []string
	for _, o := range objs {
		note, err := moveIfTaken(o, taken, ranges)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

func moveIfTaken(o *unstructured.Unstructured, taken map[netip.Addr]string, ranges []netip.Prefix) (string, error) {
	if o.GetKind() != "Service" {
		return "", nil
	}
	ip, _, _ := unstructured.NestedString(o.Object, "spec", "clusterIP")
	addr, fixed := fixedAddr(ip)
	if !fixed {
		return "", nil
	}
	holder, ok := taken[addr]
	if !ok || holder == o.GetNamespace()+"/"+o.GetName() {
		taken[addr] = o.GetNamespace() + "/" + o.GetName()
		return "", nil
	}
	free, ok := nextFree(addr, taken, ranges)
	if !ok {
		return "", fmt.Errorf("%s: clusterIP %s is held by Service %s and no free address follows it in the service range", Describe(o), ip, holder)
	}
	if err := setClusterIP(o, free.String()); err != nil {
		return "", err
	}
	taken[free] = o.GetNamespace() + "/" + o.GetName()
	return fmt.Sprintf("Service %s: clusterIP %s is already held by Service %s on this cluster; using %s instead", o.GetName(), ip, holder, free), nil
}

// fixedAddr parses a Service's clusterIP; empty, None and anything else
// that is not an address ask for no fixed address.
func fixedAddr(ip string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(ip)
	return addr, err == nil
}

// nextFree returns the first address after a, inside a's range, that no
// Service holds.
func nextFree(a netip.Addr, taken map[netip.Addr]string, ranges []netip.Prefix) (netip.Addr, bool) {
	var r netip.Prefix
	for _, p := range ranges {
		if p.Contains(a) {
			r = p
		}
	}
	if !r.IsValid() {
		return netip.Addr{}, false
	}
	for n := a.Next(); r.Contains(n); n = n.Next() {
		if _, used := taken[n]; !used {
			return n, true
		}
	}
	return netip.Addr{}, false
}
