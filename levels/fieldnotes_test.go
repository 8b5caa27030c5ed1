package levels_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/play"
)

// observe takes one observation of the rig's level.
func (r *rig) observe() *fieldnotes.Observation {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := r.s.Observe(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return &o
}

// podIPs returns the IP of every live pod in the rig's namespace, by name.
func (r *rig) podIPs() map[string]string {
	r.t.Helper()
	pods, err := r.cs.CoreV1().Pods(r.ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			out[p.Name] = p.Status.PodIP
		}
	}
	return out
}

func mustContain(t *testing.T, md string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(md, p) {
			t.Errorf("field notes lack %q:\n%s", p, md)
		}
	}
}

// TestFieldNotesLevel30 plays level 30 on sim: broken, fixed, drill. The
// notes show what DNS answered in each state, the endpoints, the drill's
// pod and addresses, and that this cluster answered per-pod names behind a
// ClusterIP Service, which the debrief says return NXDOMAIN.
func TestFieldNotesLevel30(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	vip := r.clusterIP("web-cluster")
	r.until(30*time.Second, "the broken state with DNS observed", is("service-dns", check.Fail, "a virtual IP"))
	before := r.podIPs()
	notes := &fieldnotes.Notes{Level: 30, Namespace: r.ns, Broken: r.observe()}
	r.deleteService("web-cluster")
	r.applySolution()
	r.until(30*time.Second, "passing after the fix", passed)
	notes.Fixed = r.observe()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := r.s.Drill(ctx, nil)
	if !res.Passed || res.Replaced == nil {
		t.Fatalf("drill: %+v", res)
	}
	notes.Drill = play.DrillNote(res, false)
	after := r.podIPs()
	md := notes.Markdown(r.level.Debrief)
	t.Logf("notes:\n%s", md)
	mustContain(t, md, "## On your cluster",
		"Broken: clusterIP "+vip, "`web-cluster."+r.ns+".svc.cluster.local` answered "+vip,
		"`web-0.web-cluster."+r.ns+".svc.cluster.local` answered "+before["web-0"],
		"Fixed: clusterIP None", before["web-1"]+" (web-1)",
		"Pod web-2 was deleted and replaced: IP "+before["web-2"]+" before, "+after["web-2"]+" after",
		"Your cluster and the debrief disagree", "while Service web-cluster had clusterIP "+vip)
	if notes.Drill.ReadyAfter <= 0 || notes.Drill.DNSAfter < 0 {
		t.Errorf("drill timings: ready after %s, DNS after %s", notes.Drill.ReadyAfter, notes.Drill.DNSAfter)
	}
}

// TestFieldNotesLevel21 plays level 21 on sim: the notes show
// backend-service with no endpoints while broken, and both backend pods
// after the fix, with the address its name answered.
func TestFieldNotesLevel21(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	vip := r.clusterIP("backend-service")
	r.until(30*time.Second, "the broken state", is("endpoints", check.Fail, "matches no pod"))
	notes := &fieldnotes.Notes{Level: 21, Namespace: r.ns, Broken: r.observe()}
	r.applySolution()
	r.until(30*time.Second, "passing after the fix", passed)
	notes.Fixed = r.observe()
	md := notes.Markdown(r.level.Debrief)
	t.Logf("notes:\n%s", md)
	name := "`backend-service." + r.ns + ".svc.cluster.local` answered " + vip
	mustContain(t, md, "**Service backend-service**", "Broken: clusterIP "+vip+"; endpoints none; "+name)
	for pod, ip := range r.podIPs() {
		if strings.HasPrefix(pod, "backend-") {
			mustContain(t, md, ip+" ("+pod+")")
		}
	}
	if strings.Contains(md, "disagree") {
		t.Errorf("level 21's notes report a contradiction:\n%s", md)
	}
}
