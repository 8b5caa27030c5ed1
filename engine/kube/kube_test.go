package kube

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestDecode(t *testing.T) {
	objs, err := Decode([]byte("# comment\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"))
	if err != nil || len(objs) != 2 || objs[1].GetName() != "b" {
		t.Fatalf("decode: %v, %d objects", err, len(objs))
	}
	for name, tc := range map[string]struct{ in, want string }{
		"no kind":    {"apiVersion: v1\nmetadata: {name: a}\n", "document 1: field kind is missing"},
		"no name":    {"apiVersion: v1\nkind: Service\n", "document 1: Service: field metadata.name is missing"},
		"bad yaml":   {"apiVersion: v1\nkind: [\n", "document 1: invalid YAML"},
		"second doc": {"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: Service\n", "document 2: field apiVersion is missing"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func service(ip string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "web-cluster", "namespace": "p1"},
		"spec":     map[string]any{"clusterIP": ip},
	}}
}

func TestFitClusterIPs(t *testing.T) {
	for _, tc := range []struct {
		ip, cidr, want, note string
	}{
		{"10.96.100.50", "10.96.0.0/16", "10.96.100.50", ""},
		{"10.96.100.50", "10.43.0.0/16", "10.43.100.50", "outside this cluster's service range 10.43.0.0/16; using 10.43.100.50"},
		{"10.96.100.50", "172.16.0.0/12", "172.16.100.50", "using 172.16.100.50"},
		{"10.97.100.50", "172.16.0.0/12", "172.17.100.50", "using 172.17.100.50"},
		{"10.96.0.0", "10.43.0.0/16", "10.43.0.1", "using 10.43.0.1"},
		{"None", "10.43.0.0/16", "None", ""},
	} {
		o := service(tc.ip)
		notes, err := FitClusterIPs([]*unstructured.Unstructured{o}, []netip.Prefix{netip.MustParsePrefix(tc.cidr)})
		if err != nil {
			t.Fatalf("%s in %s: %v", tc.ip, tc.cidr, err)
		}
		got, _, _ := unstructured.NestedString(o.Object, "spec", "clusterIP")
		if got != tc.want {
			t.Errorf("%s in %s: got %s, want %s", tc.ip, tc.cidr, got, tc.want)
		}
		if (tc.note == "") != (len(notes) == 0) || (tc.note != "" && !strings.Contains(notes[0], tc.note)) {
			t.Errorf("%s in %s: notes %q, want %q", tc.ip, tc.cidr, notes, tc.note)
		}
	}
	if _, err := FitClusterIPs([]*unstructured.Unstructured{service("10.96.1.1")}, []netip.Prefix{netip.MustParsePrefix("fd00::/108")}); err == nil {
		t.Error("an IPv4 address with only an IPv6 range fitted")
	}
	if _, err := FitClusterIPs([]*unstructured.Unstructured{service("nope")}, nil); err == nil || !strings.Contains(err.Error(), "spec.clusterIP") {
		t.Errorf("bad clusterIP error %v does not name the field", err)
	}
}

func TestMoveIfTaken(t *testing.T) {
	ranges := []netip.Prefix{netip.MustParsePrefix("10.96.0.0/16")}
	taken := map[netip.Addr]string{
		netip.MustParseAddr("10.96.100.50"): "p0/web-cluster",
		netip.MustParseAddr("10.96.100.51"): "p2/web-cluster",
	}
	o := service("10.96.100.50")
	note, err := moveIfTaken(o, taken, ranges, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ := unstructured.NestedString(o.Object, "spec", "clusterIP")
	if got != "10.96.100.52" || !strings.Contains(note, "already held by Service p0/web-cluster") {
		t.Fatalf("moved to %s with note %q", got, note)
	}
	own := service("10.96.100.52")
	if note, _ := moveIfTaken(own, taken, ranges, 0); note != "" {
		t.Fatalf("a Service's own address was moved: %q", note)
	}
}

// TestNextFreeSpreadsAndWraps: a spread retry lands on free addresses of the
// range at different places, the search goes past the range's end to its
// start, never gives the range's first or last address, and says when the
// range is full.
func TestNextFreeSpreadsAndWraps(t *testing.T) {
	r := netip.MustParsePrefix("10.96.0.0/24")
	ranges := []netip.Prefix{r}
	taken := map[netip.Addr]string{netip.MustParseAddr("10.96.0.50"): "p0/web"}
	seen := map[netip.Addr]bool{}
	for i := 0; i < 50; i++ {
		o := service("10.96.0.50")
		if _, err := moveIfTaken(o, taken, ranges, rand.IntN(4096)); err != nil {
			t.Fatal(err)
		}
		ip, _, _ := unstructured.NestedString(o.Object, "spec", "clusterIP")
		a := netip.MustParseAddr(ip)
		if !r.Contains(a) || a == r.Addr() || a == netip.MustParseAddr("10.96.0.255") || a == netip.MustParseAddr("10.96.0.50") {
			t.Fatalf("moved to %s, outside the free addresses of %s", a, r)
		}
		seen[a] = true
	}
	if len(seen) < 10 {
		t.Errorf("50 spread moves chose only %d addresses: %v", len(seen), seen)
	}

	taken = map[netip.Addr]string{netip.MustParseAddr("10.96.0.253"): "p0/web", netip.MustParseAddr("10.96.0.254"): "p1/web"}
	if got, ok := nextFree(netip.MustParseAddr("10.96.0.253"), taken, ranges, 0); !ok || got != netip.MustParseAddr("10.96.0.1") {
		t.Errorf("past the range's end: got %s, %v; want 10.96.0.1", got, ok)
	}
	full := map[netip.Addr]string{}
	for a := r.Addr().Next(); r.Contains(a.Next()); a = a.Next() {
		full[a] = "x/y"
	}
	if got, ok := nextFree(netip.MustParseAddr("10.96.0.7"), full, ranges, 3); ok {
		t.Errorf("a full range gave %s", got)
	}
}
