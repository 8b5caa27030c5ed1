package levels_test

import (
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

func TestLevel28Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 28)
	v := r.until(30*time.Second, "the broken state", all(
		is("probe", check.Fail, "container web of Deployment web-app has no readinessProbe"),
		is("ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel28Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 28)
	r.applySolution()
	v := r.until(60*time.Second, "passing after the fix", all(passed,
		is("probe", check.Pass, "httpGet /healthz on port http = 8080", "Service web-service lists 2 endpoints, ready exactly where the pod is Ready (2 ready)")))
	t.Logf("fixed state:\n%s", dump(v))
}

// tcpSocket on the port number is a valid, weaker probe.
func TestLevel28TCPSocket(t *testing.T) {
	t.Parallel()
	r := setUp(t, 28)
	r.semPatch("Deployment", "web-app", `[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe","value":{"tcpSocket":{"port":8080}}}]`, true)
	r.until(60*time.Second, "passing with tcpSocket", all(passed, is("probe", check.Pass, "tcpSocket on port 8080")))
}

// A probe on a port nothing declares.
func TestLevel28UndeclaredPort(t *testing.T) {
	t.Parallel()
	r := setUp(t, 28)
	r.semPatch("Deployment", "web-app", `[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe","value":{"httpGet":{"path":"/healthz","port":9090}}}]`, true)
	v := r.until(60*time.Second, "failing on the port", is("probe", check.Fail, "targets port 9090, which container web does not declare (it declares http=8080)"))
	if v.Passed {
		t.Fatal("a probe on port 9090 passed")
	}
}

// A named port the container does not declare.
func TestLevel28UndeclaredName(t *testing.T) {
	t.Parallel()
	r := setUp(t, 28)
	r.semPatch("Deployment", "web-app", `[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe","value":{"httpGet":{"path":"/healthz","port":"health"}}}]`, true)
	v := r.until(60*time.Second, "failing on the port name", is("probe", check.Fail, "targets port health, which container web does not declare"))
	if v.Passed {
		t.Fatal("a probe on an undeclared port name passed")
	}
}
