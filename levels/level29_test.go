package levels_test

import (
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

// On sim there is no load-balancer provider: the address stays pending.
func TestLevel29Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	v := r.until(30*time.Second, "the broken state", all(
		is("exposed", check.Fail, "Service web-service is type LoadBalancer, but no load-balancer provider has given it an address (EXTERNAL-IP <pending>)", "node port"),
		is("ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
	// Still pending a while later: nothing on sim ever assigns an address.
	time.Sleep(5 * time.Second)
	if x := result(r.once(), "exposed"); x.Status != check.Fail {
		t.Fatalf("the LoadBalancer got past pending on sim: %s", x.Message)
	}
}

func TestLevel29Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	before := r.nodePortOf("web-service")
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", all(passed,
		is("exposed", check.Pass, "Service web-service is type NodePort: port 80 → node port", "2 ready endpoints")))
	t.Logf("fixed state:\n%s", dump(v))
	if after := r.nodePortOf("web-service"); after != before {
		t.Errorf("node port changed from %d to %d when the type changed", before, after)
	}
}

// A provider that publishes an address makes the LoadBalancer pass as it is.
func TestLevel29ProviderAddress(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	r.semPatch("Service", "web-service", `{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}`, false, "status")
	r.until(30*time.Second, "passing with an address", all(passed, is("exposed", check.Pass, "type LoadBalancer with address 203.0.113.10")))
}

// ClusterIP drops the pending address and every way in from outside.
func TestLevel29ClusterIP(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	r.semPatch("Service", "web-service", `{"spec":{"type":"ClusterIP"}}`, false)
	v := r.until(30*time.Second, "failing on ClusterIP", is("exposed", check.Fail, "type ClusterIP", "reachable only from inside the cluster"))
	if v.Passed {
		t.Fatal("a ClusterIP Service passed")
	}
	if np := r.nodePortOf("web-service"); np != 0 {
		t.Errorf("the API server kept node port %d on a ClusterIP Service", np)
	}
}

// NodePort in front of nothing: the selector matches no pod.
func TestLevel29NodePortNoEndpoints(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	r.semPatch("Service", "web-service", `{"spec":{"type":"NodePort","selector":{"app":"web"}}}`, false)
	v := r.until(30*time.Second, "failing on endpoints", is("exposed", check.Fail, "type NodePort", "no ready endpoints"))
	if v.Passed {
		t.Fatal("a NodePort Service without endpoints passed")
	}
}
