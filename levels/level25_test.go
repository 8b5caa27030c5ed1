package levels_test

import (
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

const evaluatedPolicy = "evaluated from the NetworkPolicy objects as the API defines them; no network plugin was asked"

func TestLevel25Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	v := r.until(30*time.Second, "the broken state", all(
		is("policy", check.Fail, `"frontend → backend:8080" expected allow, but pod backend-`, "isolated for ingress by NetworkPolicy backend-network-policy", "no ingress rule admits pod frontend-", "TCP/8080", evaluatedPolicy),
		is("ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel25Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", all(passed,
		is("policy", check.Pass, `"frontend → backend:8080" allow (admitted by NetworkPolicy backend-network-policy; 2 pod pairs evaluated)`,
			`"a pod labelled app=other → backend:8080" deny`, evaluatedPolicy)))
	t.Logf("fixed state:\n%s", dump(v))
}

// A second policy for frontend: policies add up.
func TestLevel25SecondPolicy(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	r.apply(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-frontend}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: http}]
`)
	r.until(30*time.Second, "passing with a second policy", all(passed,
		is("policy", check.Pass, `"frontend → backend:8080" allow (admitted by NetworkPolicy allow-frontend`, `"admin-tool → backend:8080" allow (admitted by NetworkPolicy backend-network-policy`)))
}

// Deleting the policy lets frontend in, and everyone else too.
func TestLevel25PolicyDeleted(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	r.semDelete("NetworkPolicy", "backend-network-policy")
	v := r.until(30*time.Second, "failing on isolation", is("policy", check.Fail,
		`"a pod labelled app=other → backend:8080" expected deny, but no NetworkPolicy selects pod backend-`, "accepts all traffic"))
	if v.Passed {
		t.Fatal("deleting the policy passed")
	}
	if x := result(v, "policy"); x.Status == check.Fail && contains(x.Diagnosis, "frontend → backend:8080\" expected") {
		t.Errorf("frontend is reported as refused after the policy was deleted: %s", x.Message)
	}
}

// Allowing every source opens the API to everyone.
func TestLevel25AllowAll(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	r.semPatch("NetworkPolicy", "backend-network-policy", `{"spec":{"ingress":[{"ports":[{"port":8080}]}]}}`, false)
	v := r.until(30*time.Second, "failing on the open rule", is("policy", check.Fail,
		`"a pod labelled app=other → backend:8080" expected deny, but NetworkPolicy backend-network-policy admits a pod labelled app=other`))
	if v.Passed {
		t.Fatal("an allow-all rule passed")
	}
}

// Both labels in one selector: a pod must carry both, so frontend is still out.
func TestLevel25AndedLabels(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	r.semPatch("NetworkPolicy", "backend-network-policy", `{"spec":{"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"admin-tool","role":"frontend"}}}],"ports":[{"port":8080}]}]}}`, false)
	v := r.until(30*time.Second, "failing on the ANDed selector", is("policy", check.Fail,
		`"frontend → backend:8080" expected allow`, `"admin-tool → backend:8080" expected allow`))
	if v.Passed {
		t.Fatal("an ANDed selector passed")
	}
}
