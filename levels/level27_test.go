package levels_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

func TestLevel27Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	backend := r.ns + "-backend"
	v := r.until(30*time.Second, "the broken state", all(
		is("api-url", check.Fail, "API_URL=http://api-service (2 pods", "a pod in namespace "+r.ns+" finds no address for api-service",
			"api-service."+r.ns+".svc.cluster.local (NXDOMAIN)", "Expected Service api-service's ClusterIP "+r.service(backend, "api-service").Spec.ClusterIP+" in namespace "+backend),
		is("rollout", check.Pass),
		is("backend", check.Pass, "list the 2 pods of Deployment api-server"),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel27Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	r.applySolution()
	v := r.until(60*time.Second, "passing after the fix", all(passed,
		is("api-url", check.Pass, "API_URL=http://api-service."+r.ns+"-backend (2 pods", "api-service."+r.ns+"-backend.svc.cluster.local answers")))
	t.Logf("fixed state:\n%s", dump(v))
}

// The full name, with a port and a path, names the same host.
func TestLevel27FQDN(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	url := "http://api-service." + r.ns + "-backend.svc.cluster.local:80/v1"
	r.setEnv("", "frontend-app", "web", "API_URL", url)
	v := r.until(60*time.Second, "passing with the full name", all(passed, is("api-url", check.Pass, "API_URL="+url)))
	t.Logf("full name:\n%s", dump(v))
}

// An ExternalName Service in the frontend's namespace makes the short name an
// alias of the backend's: CoreDNS answers the CNAME and the ClusterIP.
func TestLevel27ExternalNameAlias(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	r.apply(`
apiVersion: v1
kind: Service
metadata: {name: api-service}
spec:
  type: ExternalName
  externalName: api-service.${NAMESPACE}-backend.svc.cluster.local
`)
	v := r.until(60*time.Second, "passing through the alias", all(passed, is("api-url", check.Pass, "api-service."+r.ns+".svc.cluster.local answers")))
	t.Logf("ExternalName alias:\n%s", dump(v))
}

func TestLevel27WrongNamespace(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	r.setEnv("", "frontend-app", "web", "API_URL", "http://api-service.default")
	v := r.until(60*time.Second, "failing on the default namespace", is("api-url", check.Fail,
		"API_URL=http://api-service.default (2 pods", "api-service.default.svc.cluster.local (NXDOMAIN)"))
	t.Logf("api-service.default:\n%s", dump(v))
	if v.Passed {
		t.Fatal("api-service.default passed")
	}
}

// A local copy of the Service makes the short name resolve, to the wrong place.
func TestLevel27LocalCopy(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	r.apply(`
apiVersion: v1
kind: Service
metadata: {name: api-service}
spec:
  ports: [{name: http, port: 80}]
`)
	local := r.clusterIP("api-service")
	v := r.until(60*time.Second, "failing on the local copy", is("api-url", check.Fail,
		"api-service."+r.ns+".svc.cluster.local answers "+local+" (the ClusterIP of Service api-service in namespace "+r.ns+")"))
	t.Logf("local copy:\n%s", dump(v))
	if v.Passed {
		t.Fatal("a local copy of the Service passed")
	}
}

// Reset after a fix and some clutter in both namespaces brings back exactly
// the broken state.
func TestLevel27Reset(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	backend := r.ns + "-backend"
	before := [2][]string{r.inventory(r.ns), r.inventory(backend)}
	r.applySolution()
	r.apply(`
apiVersion: v1
kind: Service
metadata: {name: leftover, namespace: ${NAMESPACE}-backend}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: api-service}
spec:
  type: ExternalName
  externalName: api-service.${NAMESPACE}-backend.svc.cluster.local
`)
	r.until(60*time.Second, "passing after the fix", passed)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	if err := r.s.Reset(ctx, nil); err != nil {
		t.Fatalf("reset: %v", err)
	}
	t.Logf("reset took %s", time.Since(start).Round(time.Millisecond))
	after := [2][]string{r.inventory(r.ns), r.inventory(backend)}
	for i := range before {
		if !slices.Equal(before[i], after[i]) {
			t.Errorf("namespace %d after reset holds %v, want %v", i, after[i], before[i])
		}
	}
	if got := r.envValue("", "frontend-app", "API_URL"); got != "http://api-service" {
		t.Errorf("API_URL after reset is %q, want the broken http://api-service", got)
	}
	v := r.until(60*time.Second, "the broken state again", is("api-url", check.Fail, "finds no address for api-service"))
	t.Logf("after reset:\n%s", dump(v))
}
