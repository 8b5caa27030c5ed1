//go:build kind

package levels_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
)

// resetLevel resets the rig's level to its broken state and logs how long
// that took.
func (r *rig) resetLevel() time.Duration {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	if err := r.s.Reset(ctx, nil); err != nil {
		r.t.Fatalf("reset: %v", err)
	}
	d := time.Since(start)
	r.t.Logf("reset took %s", d.Round(time.Millisecond))
	return d
}

// Level 21 on real kube-proxy: the Service's ClusterIP refuses connections
// while its selector matches no pod, a selector matching the wrong pods
// carries traffic but still fails, the solution carries it to the backend,
// and reset breaks it again.
func TestKindTrafficLevel21(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	tb := r.toolbox()
	connect := "nc -z -w 3 backend-service 80"
	r.until(60*time.Second, "the broken state", is("endpoints", check.Fail, "matches no pod"))
	r.traffic(tb, connect, false)

	r.mustPatch("", "Service", "backend-service", types.MergePatchType, `{"spec":{"selector":{"app":"frontend"}}}`)
	r.traffic(tb, connect, true)
	v := r.until(30*time.Second, "failing on the frontend's pods", is("endpoints", check.Fail))
	t.Logf("selector app=frontend (traffic reaches the wrong pods):\n%s", dump(v))

	r.applySolution()
	r.until(60*time.Second, "passing after the fix", passed)
	r.traffic(tb, httpGet("backend-service", 80, "nginx"), true)

	r.resetLevel()
	r.until(60*time.Second, "the broken state after reset", is("endpoints", check.Fail, "matches no pod"))
	tb = r.toolboxNamed("toolbox-after-reset")
	r.traffic(tb, connect, false)
}

// Level 22: the node port the briefing names is closed on the node until the
// Service exposes it; a wrong node port leaves it closed.
func TestKindTrafficLevel22(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	tb := r.toolbox()
	node := r.nodeIP()
	port, wrong := int(r.level.NodePort), int(r.level.NodePort)+1
	r.until(60*time.Second, "the broken state", is("nodeport", check.Fail, r.port()))
	r.traffic(tb, fmt.Sprintf("nc -z -w 3 %s %d", node, port), false)
	r.traffic(tb, fmt.Sprintf("nc -z -w 3 %s %d", node, r.nodePortOf("web-nodeport")), true)

	r.mustPatch("", "Service", "web-nodeport", types.MergePatchType, fmt.Sprintf(`{"spec":{"ports":[{"name":"http","port":80,"targetPort":"http","nodePort":%d}]}}`, wrong))
	r.until(30*time.Second, fmt.Sprintf("failing on nodePort %d", wrong), is("nodeport", check.Fail, fmt.Sprint(wrong)))
	r.traffic(tb, fmt.Sprintf("nc -z -w 3 %s %d", node, port), false)

	r.applySolution()
	r.until(60*time.Second, "passing after the fix", passed)
	r.traffic(tb, httpGet(node, port, "nginx"), true)
}

// Level 23, from the level's own client pod: the bare name database does
// not resolve and the client logs so; the Service's name resolves and its
// port answers; a name in the wrong namespace fails; reset breaks it again.
func TestKindTrafficLevel23(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	r.until(60*time.Second, "the broken state", is("db-host", check.Fail, "finds no address for database"))
	client := r.podOf("", "app=app-client")
	r.traffic(client, "nslookup database", false)
	r.traffic(client, `nc -z -w 3 "$DB_HOST" 5432`, false)
	r.traffic(client, "nslookup database-service && nc -z -w 3 database-service 5432", true)

	r.setEnv("", "app-client", "client", "DB_HOST", "database-service.default")
	r.until(60*time.Second, "failing on the namespace", is("db-host", check.Fail, "database-service.default"))

	r.applySolution()
	r.until(90*time.Second, "passing after the fix", passed)
	client = r.podOf("", "app=app-client")
	r.traffic(client, `[ "$DB_HOST" = database-service ] && nc -z -w 3 "$DB_HOST" 5432`, true)

	r.resetLevel()
	r.until(90*time.Second, "the broken state after reset", is("db-host", check.Fail, "finds no address for database"))
}

// Level 27, from the frontend's pod: api-service does not resolve in the
// frontend's namespace; its name in the backend namespace does, and carries
// traffic.
func TestKindTrafficLevel27(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	backend := r.ns + "-backend"
	r.until(60*time.Second, "the broken state", is("api-url", check.Fail, "finds no address for api-service"))
	front := r.podOf("", "app=frontend-app")
	r.traffic(front, "nslookup api-service", false)
	r.traffic(front, "nc -z -w 3 api-service."+backend+" 80", true)

	r.applySolution()
	r.until(90*time.Second, "passing after the fix", passed)
	front = r.podOf("", "app=frontend-app")
	r.traffic(front, `[ "$API_URL" = http://api-service.`+backend+` ] && `+httpGet("api-service."+backend, 80, "nginx"), true)
}

// Level 28 on a real kubelet: the solution's readiness probe passes and the
// Service carries traffic; a probe on a port nothing listens on fails the
// check, and the kubelet's probe of the new pod really fails.
func TestKindTrafficLevel28(t *testing.T) {
	t.Parallel()
	r := setUp(t, 28)
	tb := r.toolbox()
	r.until(60*time.Second, "the broken state", is("probe", check.Fail, "has no readinessProbe"))
	r.traffic(tb, httpGet("web-service", 80, "web-app"), true)

	r.applySolution()
	r.until(90*time.Second, "passing after the fix", passed)
	r.traffic(tb, httpGet("web-service", 80, "web-app"), true)

	r.semPatch("Deployment", "web-app", `[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe","value":{"httpGet":{"path":"/healthz","port":9090},"periodSeconds":1}}]`, true)
	r.until(60*time.Second, "failing on the port", is("probe", check.Fail, "targets port 9090"))
	msg := r.event("Unhealthy", "Readiness probe failed")
	t.Logf("the kubelet on the probe of port 9090: %s", msg)
}

// Level 29: no load-balancer provider exists on kind, so EXTERNAL-IP stays
// pending for real; the NodePort the solution makes answers on the node.
func TestKindTrafficLevel29(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	r.until(60*time.Second, "the broken state", is("exposed", check.Fail, "EXTERNAL-IP <pending>"))
	r.applySolution()
	r.until(60*time.Second, "passing after the fix", passed)
	tb := r.toolbox()
	r.traffic(tb, httpGet(r.nodeIP(), int(r.nodePortOf("web-service")), "nginx"), true)
}
