package fieldnotes

import (
	"os"
	"strings"
	"testing"
	"time"
)

func l30(clusterIP string, podAnswer ...string) *Observation {
	base := "web-cluster.p1.svc.cluster.local"
	return &Observation{Services: []Service{{Namespace: "p1", Name: "web-cluster", ClusterIP: clusterIP,
		Endpoints: []string{"10.244.0.3 (web-0)"},
		DNS:       Answer{Name: base, Values: []string{"10.96.100.50"}, Rcode: "NOERROR"},
		Pods:      []Answer{{Name: "web-0." + base, Values: podAnswer, Rcode: rcode(podAnswer)}}}}}
}

func rcode(v []string) string {
	if len(v) == 0 {
		return "NXDOMAIN"
	}
	return "NOERROR"
}

func TestMarkdown(t *testing.T) {
	seed, err := os.ReadFile("../../content/world-3/30-headless-dns/debrief.md")
	if err != nil {
		t.Fatal(err)
	}
	debrief := string(seed)
	drill := &Drill{Passed: true, Pod: "web-2", OldIP: "10.244.0.5", NewIP: "10.244.0.9", ReadyAfter: 280 * time.Millisecond, DNSAfter: 4500 * time.Millisecond}
	for _, tc := range []struct {
		name    string
		notes   *Notes
		debrief string
		has     []string
		hasNot  []string
	}{
		{"per-pod names answered behind a ClusterIP Service", &Notes{Namespace: "p1", Broken: l30("10.96.100.50", "10.244.0.3"), Fixed: l30("None", "10.244.0.3"), Drill: drill}, debrief,
			[]string{"## On your cluster", "- Broken: clusterIP 10.96.100.50; endpoints 10.244.0.3 (web-0)", "`web-0.web-cluster.p1.svc.cluster.local` answered 10.244.0.3",
				"- Fixed: clusterIP None", "IP 10.244.0.5 before, 10.244.0.9 after", "Ready after 280ms", "DNS answered the new IP 4.5s after that",
				"Your cluster and the debrief disagree", "while Service web-cluster had clusterIP 10.96.100.50"}, nil},
		{"NXDOMAIN as the debrief says", &Notes{Namespace: "p1", Broken: l30("10.96.100.50"), Fixed: l30("None", "10.244.0.3")}, debrief,
			[]string{"answered NXDOMAIN"}, []string{"disagree"}},
		{"a debrief that promises nothing", &Notes{Namespace: "p1", Broken: l30("10.96.100.50", "10.244.0.3")}, "# Debrief\n",
			[]string{"Broken: clusterIP"}, []string{"disagree", "Fixed:"}},
		{"DNS never followed", &Notes{Namespace: "p1", Drill: &Drill{Pod: "web-2", OldIP: "a", NewIP: "b", Message: "still answers a"}}, debrief,
			[]string{"DNS did not follow: still answers a"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := tc.notes.Markdown(tc.debrief)
			for _, s := range tc.has {
				if !strings.Contains(md, s) {
					t.Errorf("lacks %q:\n%s", s, md)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(md, s) {
					t.Errorf("holds %q:\n%s", s, md)
				}
			}
		})
	}
	if (*Notes)(nil).Markdown(debrief) != "" || (&Notes{}).Markdown(debrief) != "" {
		t.Error("empty notes write a section")
	}
}
