package levels_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
)

const headlessSvc = `
apiVersion: v1
kind: Service
metadata: {name: web-cluster}
spec:
  clusterIP: None
  selector: {app: %s}
  ports: [{name: http, port: 80, targetPort: http}]
`

func (r *rig) deleteService(name string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.cs.CoreV1().Services(r.ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		r.t.Fatalf("delete service %s: %v", name, err)
	}
}

func (r *rig) clusterIP(name string) string {
	r.t.Helper()
	svc, err := r.cs.CoreV1().Services(r.ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	return svc.Spec.ClusterIP
}

func TestLevel30Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	vip := r.clusterIP("web-cluster")
	v := r.until(30*time.Second, "the broken state with DNS observed", all(
		is("shared-ip", check.Fail, "clusterIP "+vip, "virtual IP"),
		is("service-dns", check.Fail, "web-cluster."+r.ns+".svc.cluster.local resolves to "+vip+", a virtual IP", "expected the 3 ready pod IPs"),
		is("wiring", check.Pass),
		is("ready", check.Pass),
		// CoreDNS serves StatefulSet pod names for ClusterIP Services too;
		// the game must say so and not claim a failure it did not see.
		is("pod-dns", check.Pass, "web-0.web-cluster."+r.ns+".svc.cluster.local →"),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel30Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	r.deleteService("web-cluster")
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", passed)
	t.Logf("fixed state:\n%s", dump(v))
	if x := result(v, "service-dns"); !strings.Contains(x.Diagnosis, "SRV lists web-0.web-cluster."+r.ns) {
		t.Errorf("service-dns message %q does not report the SRV targets", x.Message)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var steps []string
	res := r.s.Drill(ctx, func(s drill.Step) { steps = append(steps, s.Message) })
	if !res.Passed {
		t.Fatalf("drill failed: %s\n%s", res.Message, strings.Join(steps, "\n"))
	}
	t.Logf("drill:\n%s", strings.Join(steps, "\n"))
	if !strings.Contains(strings.Join(steps, "\n"), "deleting pod web-2") {
		t.Errorf("drill steps do not show the deletion:\n%s", strings.Join(steps, "\n"))
	}
	r.until(30*time.Second, "passing after the drill", passed)
}

func TestLevel30HeadlessSelectingNothing(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	r.deleteService("web-cluster")
	r.apply(strings.Replace(headlessSvc, "%s", "web-clusterr", 1))
	v := r.until(30*time.Second, "failing on the selector", all(
		is("shared-ip", check.Pass),
		is("wiring", check.Fail, "selects app=web-clusterr", "labelled app=web-cluster"),
		is("service-dns", check.Fail, "no ready pod is selected"),
	))
	if v.Passed {
		t.Fatal("a Service selecting nothing passed")
	}
}

func TestLevel30ServiceNameOther(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	r.deleteService("web-cluster")
	r.apply(strings.Replace(headlessSvc, "%s", "web-cluster", 1))
	// serviceName is immutable: the wrong fix recreates the StatefulSet.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	orphan := metav1.DeletePropagationForeground
	if err := r.cs.AppsV1().StatefulSets(r.ns).Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: &orphan}); err != nil {
		t.Fatal(err)
	}
	r.until(60*time.Second, "StatefulSet gone", is("wiring", check.Fail, "does not exist"))
	objs, err := r.level.Spec(r.ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs.Objects {
		if o.GetKind() == "StatefulSet" {
			o.Object["spec"].(map[string]any)["serviceName"] = "web-other"
			r.applyObjs(objs.Objects[1:])
		}
	}
	v := r.until(60*time.Second, "failing on serviceName", all(
		is("wiring", check.Fail, `serviceName "web-other"`, `must be "web-cluster"`),
		is("pod-dns", check.Fail, "NXDOMAIN"),
	))
	if v.Passed {
		t.Fatal("a StatefulSet naming another Service passed")
	}
}

func TestLevel30ReplicasNotReady(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	r.deleteService("web-cluster")
	r.applySolution()
	r.until(30*time.Second, "passing after the fix", passed)
	// A node selector no node satisfies: the rolling update leaves web-2 Pending.
	patch := []byte(`{"spec":{"template":{"spec":{"nodeSelector":{"k8squest.dev/no-such-node":"true"}}}}}`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.cs.AppsV1().StatefulSets(r.ns).Patch(ctx, "web", types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	v := r.until(60*time.Second, "failing on readiness", is("ready", check.Fail, "web-2 (Pending)"))
	if v.Passed {
		t.Fatal("unready replicas passed")
	}
}

func TestLevel30ServiceDeleted(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	r.deleteService("web-cluster")
	v := r.until(30*time.Second, "failing on the missing Service", all(
		is("shared-ip", check.Fail, "Service web-cluster does not exist in namespace "+r.ns),
		is("service-dns", check.Fail, "does not exist"),
	))
	if v.Passed {
		t.Fatal("a deleted Service passed")
	}
}

// TestLevel30CheckRightAfterFix runs the must-show sequence: a check (which
// leaves the virtual IP in CoreDNS's cache), the fix, and at once another
// one-shot check, which must not report the cached answer as a failure.
func TestLevel30CheckRightAfterFix(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	if v := r.once(); v.Passed || result(v, "service-dns").Status != check.Fail {
		t.Fatalf("broken state:\n%s", dump(v))
	}
	r.deleteService("web-cluster")
	r.applySolution()
	start := time.Now()
	v := r.once()
	t.Logf("one-shot check right after the fix took %s", time.Since(start).Round(time.Millisecond))
	if !v.Passed {
		t.Fatalf("one-shot check right after the fix:\n%s", dump(v))
	}
}
