//go:build kind

package levels_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/kindtest"
)

// Level 30 on a real StatefulSet, DNS asked from pods: the Service's name
// answers its virtual IP until it is headless, then the ready pod IPs; the
// player's own shell runs the debrief's debug pod and nslookup; the drill
// deletes web-2 and DNS follows the replacement's IP.
func TestKindLevel30(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	vip := r.clusterIP("web-cluster")
	r.until(60*time.Second, "the broken state", is("service-dns", check.Fail, "a virtual IP"))
	tb := r.toolbox()
	res := r.traffic(tb, "nslookup web-cluster", true)
	if !strings.Contains(res.Stdout, vip) {
		t.Errorf("web-cluster from a pod: %s, want the virtual IP %s", res, vip)
	}

	r.deleteService("web-cluster")
	r.applySolution()
	r.until(60*time.Second, "passing after the fix", passed)
	ips := r.podIPsOf("app=web-cluster")
	if len(ips) != 3 {
		t.Fatalf("pod IPs of web: %v, want 3", ips)
	}
	r.traffic(tb, "nslookup web-cluster | grep -c '^Address' | grep -qx 4", true)
	res = r.sh(tb, "nslookup web-cluster")
	if !holdsAll(res.Stdout, ips...) || strings.Contains(res.Stdout, vip) {
		t.Errorf("headless web-cluster from a pod: %s, want exactly the pod IPs %v", res, ips)
	}

	// The player's shell: the debrief's debug pod, made and asked as the
	// player, and nslookup inside a level pod.
	me := r.player()
	debug := kindtest.Toolbox(t, me, r.ns, "debug")
	web0 := r.podIP("web-0")
	res = r.shAs(me, debug, "nslookup web-0.web-cluster")
	if res.Err != nil || !holdsAll(res.Stdout, "web-0.web-cluster."+r.ns+".svc.cluster.local", web0) {
		t.Errorf("the debrief's nslookup web-0.web-cluster as the player: %s, want web-0's IP %s", res, web0)
	}
	res = r.shAs(me, "web-1", "nslookup web-cluster")
	if res.Err != nil || !holdsAll(res.Stdout, ips...) {
		t.Errorf("nslookup web-cluster in pod web-1 as the player: %s, want %v", res, ips)
	}

	old := r.podIP("web-2")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var steps []string
	out := r.s.Drill(ctx, func(s drill.Step) { steps = append(steps, s.Message) })
	t.Logf("drill:\n%s", strings.Join(steps, "\n"))
	if !out.Passed {
		t.Fatalf("drill failed: %s", out.Message)
	}
	fresh := r.podIP("web-2")
	t.Logf("web-2's IP: %s before the drill, %s after", old, fresh)
	if !strings.Contains(strings.Join(steps, "\n"), "Ready with IP "+fresh) {
		t.Errorf("the drill's steps do not show the replacement's IP %s", fresh)
	}
	r.traffic(tb, "nslookup web-2.web-cluster | grep -q '"+fresh+"'", true)
	res = r.sh(tb, "nslookup web-2.web-cluster")
	if old != fresh && strings.Contains(res.Stdout, old) {
		t.Errorf("web-2.web-cluster still answers the old IP %s: %s", old, res)
	}
	r.until(60*time.Second, "passing after the drill", passed)
}

// podIP is the IP of pod name in the rig's namespace.
func (r *rig) podIP(name string) string {
	r.t.Helper()
	p, err := r.cs.CoreV1().Pods(r.ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	return p.Status.PodIP
}
