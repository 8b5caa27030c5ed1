package levels_test

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
)

// setEnv changes one env var of a Deployment's container, as kubectl set env does.
func (r *rig) setEnv(ns, deployment, container, name, value string) {
	r.t.Helper()
	body := `{"spec":{"template":{"spec":{"containers":[{"name":"` + container + `","env":[{"name":"` + name + `","value":"` + value + `"}]}]}}}}`
	r.mustPatch(ns, "Deployment", deployment, types.StrategicMergePatchType, body)
}

func TestLevel23Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	v := r.until(30*time.Second, "the broken state", all(
		is("db-host", check.Fail, "DB_HOST=database (2 pods", "finds no address for database", "database."+r.ns+".svc.cluster.local (NXDOMAIN)", "Expected Service database-service's ClusterIP"),
		is("rollout", check.Pass),
		is("database", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel23Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	r.applySolution()
	vip := r.clusterIP("database-service")
	v := r.until(60*time.Second, "passing after the fix", all(passed,
		is("db-host", check.Pass, "DB_HOST=database-service (2 pods", "database-service."+r.ns+".svc.cluster.local answers "+vip)))
	t.Logf("fixed state:\n%s", dump(v))
}

// The namespace-qualified name and the full name are as good as the short one.
func TestLevel23QualifiedNames(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	for _, host := range []string{"database-service." + r.ns, "database-service." + r.ns + ".svc.cluster.local"} {
		r.setEnv("", "app-client", "client", "DB_HOST", host)
		v := r.until(60*time.Second, "passing with DB_HOST="+host, all(passed, is("db-host", check.Pass, "DB_HOST="+host+" (2 pods")))
		t.Logf("DB_HOST=%s:\n%s", host, dump(v))
	}
}

// A second Service named database makes the old name resolve, but to an
// address that is not database-service's.
func TestLevel23AliasService(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	r.apply(`
apiVersion: v1
kind: Service
metadata: {name: database}
spec:
  selector: {app: database}
  ports: [{name: postgres, port: 5432, targetPort: postgres}]
`)
	alias := r.clusterIP("database")
	v := r.until(60*time.Second, "failing on the alias", is("db-host", check.Fail,
		"database."+r.ns+".svc.cluster.local answers "+alias+" (the ClusterIP of Service database in namespace "+r.ns+")", "not Service database-service's ClusterIP"))
	t.Logf("alias Service:\n%s", dump(v))
	if v.Passed {
		t.Fatal("a second Service passed")
	}
}

// Qualifying the name with the wrong namespace resolves nowhere.
func TestLevel23WrongNamespace(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	r.setEnv("", "app-client", "client", "DB_HOST", "database-service.default")
	v := r.until(60*time.Second, "failing on the namespace", is("db-host", check.Fail, "DB_HOST=database-service.default", "database-service.default.svc.cluster.local (NXDOMAIN)"))
	if v.Passed {
		t.Fatal("database-service.default passed")
	}
}

// The check reads the running pods, not the template: a rollout that cannot
// finish leaves the old pods, and their old value, in place.
func TestLevel23RolloutStuck(t *testing.T) {
	t.Parallel()
	r := setUp(t, 23)
	r.mustPatch("", "Deployment", "app-client", types.StrategicMergePatchType,
		`{"spec":{"template":{"spec":{"nodeSelector":{"k8squest.dev/no-such-node":"true"},"containers":[{"name":"client","env":[{"name":"DB_HOST","value":"database-service"}]}]}}}}`)
	v := r.until(60*time.Second, "failing on the old pods", all(
		is("db-host", check.Fail, "DB_HOST=database ("),
		is("rollout", check.Fail, "Pending"),
	))
	t.Logf("stuck rollout:\n%s", dump(v))
	if !strings.Contains(r.envValue("", "app-client", "DB_HOST"), "database-service") {
		t.Fatal("the template does not carry the new value")
	}
}
