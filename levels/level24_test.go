package levels_test

import (
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

const evaluatedIngress = "evaluated from the Ingress rules; no Ingress controller was asked"

// myappLocal guards host myapp.local, which every level-24 rig's Ingress
// claims. The check tests share it (RLock); the kind traffic test through a
// real Ingress controller takes it alone (Lock), since the controller serves
// a host from the Ingresses of every namespace at once. Without that test
// (the sim suite) nothing ever waits on it.
var myappLocal sync.RWMutex

// shareMyappLocal holds myapp.local shared until the test's cleanups have
// run; call it before setUp, so the rig's namespace is gone first.
func shareMyappLocal(t *testing.T) {
	myappLocal.RLock()
	t.Cleanup(myappLocal.RUnlock)
}

func TestLevel24Broken(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	v := r.until(30*time.Second, "the broken state", all(
		is("route", check.Fail, "http://myapp.local/ matches no rule of Ingress web-ingress", "/api Prefix", "no defaultBackend", evaluatedIngress),
		is("ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel24Fixed(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", all(passed,
		is("route", check.Pass, "routes to Service web-service port 80", "path / Prefix", "2 ready endpoints", evaluatedIngress)))
	t.Logf("fixed state:\n%s", dump(v))
}

// Keeping /api and adding / next to it: the longest match still routes / to web-service.
func TestLevel24SecondPath(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	r.semPatch("Ingress", "web-ingress", `[{"op":"add","path":"/spec/rules/0/http/paths/-","value":
		{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web-service","port":{"name":"http"}}}}}]`, true)
	r.until(30*time.Second, "passing with a second path", all(passed, is("route", check.Pass, "path / Prefix", "port 80")))
}

// A defaultBackend next to the rule: ingress-nginx would route / by it, as
// the API says, but Traefik uses it only in an Ingress without rules and
// answers 404 (TestKindTrafficLevel24 sees it), so it is no fix.
func TestLevel24DefaultBackend(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	r.semPatch("Ingress", "web-ingress", `{"spec":{"defaultBackend":{"service":{"name":"web-service","port":{"number":80}}}}}`, false)
	v := r.until(30*time.Second, "failing with a defaultBackend next to the rule", is("route", check.Fail,
		"only its defaultBackend web-service:80 could take it", "/api Prefix", "Traefik uses an Ingress's defaultBackend only when the Ingress has no rules"))
	if v.Passed {
		t.Fatal("a defaultBackend next to the rule passed")
	}
}

// Exact / routes http://myapp.local/ itself, which is what the check asks.
func TestLevel24ExactRoot(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	r.semPatch("Ingress", "web-ingress", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/path","value":"/"},
		{"op":"replace","path":"/spec/rules/0/http/paths/0/pathType","value":"Exact"}]`, true)
	r.until(30*time.Second, "passing with Exact /", all(passed, is("route", check.Pass, "path / Exact")))
}

// The wrong host: the rule now answers for another name.
func TestLevel24WrongHost(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	r.semPatch("Ingress", "web-ingress", `[{"op":"replace","path":"/spec/rules/0/host","value":"myapp.com"},
		{"op":"replace","path":"/spec/rules/0/http/paths/0/path","value":"/"}]`, true)
	v := r.until(30*time.Second, "failing on the host", is("route", check.Fail, "no rule's host matches myapp.local; hosts are myapp.com", evaluatedIngress))
	if v.Passed {
		t.Fatal("an Ingress for myapp.com passed")
	}
}

// The container port instead of the Service port.
func TestLevel24WrongPort(t *testing.T) {
	t.Parallel()
	shareMyappLocal(t)
	r := setUp(t, 24)
	r.semPatch("Ingress", "web-ingress", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/path","value":"/"},
		{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`, true)
	v := r.until(30*time.Second, "failing on the port", is("route", check.Fail, "Service web-service has no port 8080; it declares 80 (http)"))
	if v.Passed {
		t.Fatal("a backend on port 8080 passed")
	}
}
