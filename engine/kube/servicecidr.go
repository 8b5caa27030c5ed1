package kube

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
)

// ServiceCIDRs returns the cluster's service IP ranges. It reads the
// ServiceCIDR objects (networking.k8s.io/v1); on clusters without them it
// asks the API server to validate, without persisting, a Service with an
// address no range can hold, and reads the valid range from the refusal.
func ServiceCIDRs(ctx context.Context, cs kubernetes.Interface) ([]netip.Prefix, error) {
	if out, err := fromServiceCIDRObjects(ctx, cs); err == nil && len(out) > 0 {
		return out, nil
	}
	return fromDryRun(ctx, cs)
}

func fromServiceCIDRObjects(ctx context.Context, cs kubernetes.Interface) ([]netip.Prefix, error) {
	list, err := cs.NetworkingV1().ServiceCIDRs().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []netip.Prefix
	for _, sc := range list.Items {
		for _, c := range sc.Spec.CIDRs {
			if p, err := netip.ParsePrefix(c); err == nil {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

var rangeRE = regexp.MustCompile(`valid IPs is ([0-9a-fA-F.:/]+)`)

func fromDryRun(ctx context.Context, cs kubernetes.Interface) ([]netip.Prefix, error) {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "k8squest-range-probe", Namespace: "default"},
		Spec: corev1.ServiceSpec{
			ClusterIP: "0.0.0.1",
			Ports:     []corev1.ServicePort{{Port: 80}},
		},
	}
	_, err := cs.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err == nil {
		return nil, errors.New("find the service IP range: the API server accepted an address outside every range")
	}
	m := rangeRE.FindStringSubmatch(err.Error())
	if m == nil {
		return nil, fmt.Errorf("find the service IP range: %w", err)
	}
	p, perr := netip.ParsePrefix(m[1])
	if perr != nil {
		return nil, fmt.Errorf("find the service IP range: parse %q: %w", m[1], perr)
	}
	return []netip.Prefix{p}, nil
}

// FitClusterIPs rewrites every Service's fixed spec.clusterIP that lies
// outside ranges to the address with the same host part inside the first
// range of the same family, and returns one note per change for the player.
func FitClusterIPs(objs []*unstructured.Unstructured, ranges []netip.Prefix) ([]string, error) {
	var notes []string
	for _, o := range objs {
		if o.GetKind() != "Service" {
			continue
		}
		ip, found, _ := unstructured.NestedString(o.Object, "spec", "clusterIP")
		if !found || ip == "" || ip == corev1.ClusterIPNone {
			continue
		}
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return nil, fmt.Errorf("%s: spec.clusterIP %q is not an IP address", Describe(o), ip)
		}
		if inAny(addr, ranges) {
			continue
		}
		moved, r, ok := moveInto(addr, ranges)
		if !ok {
			return nil, fmt.Errorf("%s: spec.clusterIP %s fits none of the cluster's service ranges %v", Describe(o), ip, ranges)
		}
		if err := setClusterIP(o, moved.String()); err != nil {
			return nil, err
		}
		notes = append(notes, fmt.Sprintf("Service %s: clusterIP %s is outside this cluster's service range %s; using %s instead", o.GetName(), ip, r, moved))
	}
	return notes, nil
}

func setClusterIP(o *unstructured.Unstructured, ip string) error {
	if err := unstructured.SetNestedField(o.Object, ip, "spec", "clusterIP"); err != nil {
		return err
	}
	if _, found, _ := unstructured.NestedStringSlice(o.Object, "spec", "clusterIPs"); found {
		return unstructured.SetNestedStringSlice(o.Object, []string{ip}, "spec", "clusterIPs")
	}
	return nil
}

func inAny(a netip.Addr, ranges []netip.Prefix) bool {
	for _, r := range ranges {
		if r.Contains(a) {
			return true
		}
	}
	return false
}

// moveInto keeps a's host bits and takes the network bits of the first range
// of a's family. It avoids the network address itself.
func moveInto(a netip.Addr, ranges []netip.Prefix) (netip.Addr, netip.Prefix, bool) {
	for _, r := range ranges {
		if r.Addr().Is4() != a.Is4() {
			continue
		}
		net := r.Masked().Addr().AsSlice()
		host := a.AsSlice()
		bits := r.Bits()
		for i := range net {
			keep := bits - i*8
			switch {
			case keep >= 8:
				continue
			case keep <= 0:
				net[i] = host[i]
			default:
				mask := byte(0xff << (8 - keep))
				net[i] = net[i]&mask | host[i]&^mask
			}
		}
		out, _ := netip.AddrFromSlice(net)
		if out == r.Masked().Addr() {
			out = out.Next()
		}
		return out, r, true
	}
	return netip.Addr{}, netip.Prefix{}, false
}
