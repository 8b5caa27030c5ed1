package check

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// noDNSPod is a resolver on a cluster without a DNS pod.
type noDNSPod struct{}

func (noDNSPod) Query(_ context.Context, name string, t dns.Type) (dns.Answer, error) {
	return dns.Answer{}, fmt.Errorf("ask for %s %s: %w", t, name,
		&dns.UnavailableError{Reason: "no pod labelled k8s-app=kube-dns in kube-system", Err: dns.ErrNoDNSPod})
}

func (noDNSPod) Close() error { return nil }

// A DNS check on a cluster whose DNS cannot be asked is Unknown, says why in
// the player's words, and is asked again.
func TestDNSCheckSaysWhyDNSIsUnavailable(t *testing.T) {
	c, err := Build("statefulSetPodDNS", []byte(`{statefulSet: web, service: web-cluster}`))
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Namespace: l30NS, Snap: &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}, Pods: l30Pods()},
		DNS: noDNSPod{}, Domain: "cluster.local"}
	r := c.Run(context.Background(), env)
	want := "cluster DNS not reachable: no pod labelled k8s-app=kube-dns in kube-system"
	if r.Status != Unknown || r.Message != want || !r.Requery {
		t.Fatalf("result %s %q (requery %v), want Unknown %q, asked again", r.Status, r.Message, r.Requery, want)
	}
}
