package kube

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
)

// AvoidTakenClusterIPs moves every Service's fixed clusterIP that another
// Service in the cluster already holds (another player's copy of the same
// level, say) to a free address of the same range, and returns one note per
// change. A ClusterIP is unique cluster-wide, so this is what lets several
// players share a cluster.
//
// With spread 0 the address chosen is the next free one after the taken
// address. Players who set the same level up at the same moment all see the
// same next free address, and all but one are refused; a retry with a
// spread above 0 starts the search at a random offset below spread, so
// that they seldom meet again.
func AvoidTakenClusterIPs(ctx context.Context, cs kubernetes.Interface, objs []*unstructured.Unstructured, ranges []netip.Prefix, spread int) ([]string, error) {
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
		skip := 0
		if spread > 0 {
			skip = rand.IntN(spread) //nolint:gosec // spreads players' choices; not a secret
		}
		note, err := moveIfTaken(o, taken, ranges, skip)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

// moveIfTaken moves o's fixed clusterIP when another Service holds it: to
// the first free address after it, once skip addresses are passed.
func moveIfTaken(o *unstructured.Unstructured, taken map[netip.Addr]string, ranges []netip.Prefix, skip int) (string, error) {
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
	free, ok := nextFree(addr, taken, ranges, skip)
	if !ok {
		return "", fmt.Errorf("%s: clusterIP %s is held by Service %s and the service range has no free address left", Describe(o), ip, holder)
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

// nextFree returns the first address after a, once skip addresses are
// passed, inside a's range, that no Service holds. The search goes round
// the range once, past its end to its start; the range's first and last
// addresses (network and broadcast in IPv4) are never chosen, as the API
// server's allocator never gives them.
func nextFree(a netip.Addr, taken map[netip.Addr]string, ranges []netip.Prefix, skip int) (netip.Addr, bool) {
	var r netip.Prefix
	for _, p := range ranges {
		if p.Contains(a) {
			r = p.Masked()
		}
	}
	if !r.IsValid() {
		return netip.Addr{}, false
	}
	next := func(n netip.Addr) netip.Addr {
		if n = n.Next(); !r.Contains(n) {
			n = r.Addr()
		}
		return n
	}
	first := next(a)
	for ; skip > 0; skip-- {
		first = next(first)
	}
	n := first
	for {
		if _, used := taken[n]; !used && n != r.Addr() && r.Contains(n.Next()) {
			return n, true
		}
		if n = next(n); n == first {
			return netip.Addr{}, false
		}
	}
}
