//go:build kind

package levels_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kindtest"
)

// clients25 are level 25's three clients of backend:8080: the level's
// frontend and admin-tool pods, and a toolbox labelled app=other.
type clients25 struct{ front, admin, other string }

// clients25 finds the level's client pods and starts the app=other toolbox,
// called other+suffix (a reset deletes the one before).
func (r *rig) clients25(suffix string) clients25 {
	r.t.Helper()
	return clients25{
		front: r.runningPod("app=frontend"),
		admin: r.runningPod("app=admin-tool"),
		other: kindtest.LabelledToolbox(r.t, r.c, r.ns, "other"+suffix, map[string]string{"app": "other"}),
	}
}

// runningPod waits for a Running pod of the rig's namespace matching
// selector, that is not being deleted, and returns its name.
func (r *rig) runningPod(selector string) string {
	r.t.Helper()
	var name string
	ctx, cancel := context.WithTimeout(context.Background(), kindtest.PodTimeout)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := r.cs.CoreV1().Pods(r.ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return false, nil //nolint:nilerr // the API blinked: ask again until ctx ends
		}
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
				name = p.Name
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		r.t.Fatalf("no running pod matches %s within %s", selector, kindtest.PodTimeout)
	}
	return name
}

// backendHosts are the addresses of backend:8080 a client may use: the
// Service's name, and each live backend pod's IP.
func (r *rig) backendHosts() []string {
	r.t.Helper()
	pods, err := r.cs.CoreV1().Pods(r.ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=backend"})
	if err != nil {
		r.t.Fatal(err)
	}
	hosts := []string{"backend"}
	for _, p := range pods.Items {
		if p.Status.PodIP != "" && p.DeletionTimestamp == nil {
			hosts = append(hosts, p.Status.PodIP)
		}
	}
	if len(hosts) < 3 {
		r.t.Fatalf("backend has %d live pods with an IP, want 2", len(hosts)-1)
	}
	return hosts
}

// reach asserts, with real packets, that client gets an answer from
// backend:8080 (ok) or no connection at all (!ok), through the Service and
// at every backend pod.
// A refusal must also show in the enforcer's counters of packets it
// rejected towards backend's pods.
func (r *rig) reach(client string, ok bool) {
	r.t.Helper()
	hosts := r.backendHosts()
	for _, h := range hosts {
		r.traffic(client, httpGet(h, 8080, "backend"), ok)
	}
	if !ok {
		r.rejectedFrom(client, hosts[1])
	}
}

// rejectedFrom asserts that a connection from client to host:8080 is
// refused by the enforcer: its counters of packets rejected towards
// backend's pods grow over one attempt. kube-router rewrites its rules, and
// so zeroes the counters, whenever pods or policies change anywhere in the
// cluster, so the attempt is made again, within trafficTimeout, until no
// rewrite fell between the two reads.
func (r *rig) rejectedFrom(client, host string) {
	r.t.Helper()
	var before, after int64
	ctx, cancel := context.WithTimeout(context.Background(), trafficTimeout)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(context.Context) (bool, error) {
		before = r.rejectedAtBackend()
		if res := r.sh(client, httpGet(host, 8080, "backend")); res.Err == nil {
			r.t.Fatalf("%s reached %s:8080, which refused it a moment ago", client, host)
		}
		after = r.rejectedAtBackend()
		return after > before, nil
	})
	if err != nil {
		r.t.Fatalf("%s got no answer from %s:8080, but the enforcer's counters of packets rejected towards backend did not grow (%d, then %d): not the policy's doing", client, host, before, after)
	}
	r.t.Logf("the enforcer rejected %d packets from %s to %s:8080", after-before, client, host)
}

// rejectedAtBackend sums the packets the enforcer has rejected towards
// backend's pods (names backend-...).
func (r *rig) rejectedAtBackend() int64 {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := kindtest.Rejected(ctx, r.c, r.ns)
	if err != nil {
		r.t.Fatal(err)
	}
	var sum int64
	for pod, v := range n {
		if strings.HasPrefix(pod, "backend-") {
			sum += v
		}
	}
	return sum
}

// reach25 asserts what each of the three clients sees. A refusal is only
// asserted between two answers to an admitted client, so that it is the
// policy's doing and not a backend that is not up.
func (r *rig) reach25(c clients25, front, admin, other bool) {
	r.t.Helper()
	first := c.admin
	if !admin {
		first = c.front
	}
	r.reach(first, true)
	r.reach(c.front, front)
	r.reach(c.admin, admin)
	r.reach(c.other, other)
	r.reach(first, true)
}

// Level 25 on a real NetworkPolicy enforcer (kube-router's firewall): in
// every state the level's own check evaluates, the packets agree with it.
func TestKindTrafficLevel25(t *testing.T) {
	t.Parallel()
	r := setUp(t, 25)
	kindtest.RequireEnforcer(t, r.c)
	broken := all(is("ready", check.Pass), is("policy", check.Fail,
		`"frontend → backend:8080" expected allow, but pod backend-`, "isolated for ingress by NetworkPolicy backend-network-policy", "no ingress rule admits pod frontend-"))

	v := r.until(90*time.Second, "the broken state", broken)
	t.Logf("broken:\n%s", dump(v))
	c := r.clients25("")
	r.reach25(c, false, true, false)

	r.applySolution()
	v = r.until(60*time.Second, "passing after the fix", all(passed, is("policy", check.Pass,
		`"frontend → backend:8080" allow (admitted by NetworkPolicy backend-network-policy`, `"a pod labelled app=other → backend:8080" deny`)))
	t.Logf("solution:\n%s", dump(v))
	r.reach25(c, true, true, false)

	// A wrong fix: the rule admits every source.
	r.semPatch("NetworkPolicy", "backend-network-policy", `{"spec":{"ingress":[{"ports":[{"port":8080}]}]}}`, false)
	v = r.until(60*time.Second, "failing on the open rule", is("policy", check.Fail,
		`"a pod labelled app=other → backend:8080" expected deny, but NetworkPolicy backend-network-policy admits a pod labelled app=other`))
	t.Logf("every source admitted:\n%s", dump(v))
	r.reach25(c, true, true, true)

	// A wrong fix by address: an ipBlock of every address. kube-router
	// matches pod addresses against it and lets everyone in, and so does
	// the check (before, it matched no pod by ipBlock and said frontend
	// was refused).
	r.semPatch("NetworkPolicy", "backend-network-policy", `{"spec":{"ingress":[{"from":[{"ipBlock":{"cidr":"0.0.0.0/0"}}],"ports":[{"port":8080}]}]}}`, false)
	v = r.until(60*time.Second, "failing on the ipBlock of every address", is("policy", check.Fail,
		`"a pod labelled app=other → backend:8080" expected deny, but NetworkPolicy backend-network-policy admits a pod labelled app=other`, "ipBlock 0.0.0.0/0 holds"))
	t.Logf("ipBlock 0.0.0.0/0:\n%s", dump(v))
	if x := result(v, "policy"); contains(x.Diagnosis, `"frontend → backend:8080" expected`) {
		t.Errorf("the check says frontend is refused by an ipBlock of every address: %s", x.Diagnosis)
	}
	r.reach25(c, true, true, true)

	r.resetLevel()
	r.until(90*time.Second, "the broken state after reset", broken)
	c = r.clients25("-after-reset")
	r.reach25(c, false, true, false)

	// An alternative fix: a second policy, on the named port.
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
	v = r.until(60*time.Second, "passing with a second policy", all(passed, is("policy", check.Pass,
		`"frontend → backend:8080" allow (admitted by NetworkPolicy allow-frontend`, `"admin-tool → backend:8080" allow (admitted by NetworkPolicy backend-network-policy`)))
	t.Logf("second policy:\n%s", dump(v))
	r.reach25(c, true, true, false)

	// Another wrong fix: the restrictive policy deleted; allow-frontend
	// still selects backend, so admin-tool is now the one refused.
	r.semDelete("NetworkPolicy", "backend-network-policy")
	v = r.until(60*time.Second, "failing without the admins' policy", is("policy", check.Fail,
		`"admin-tool → backend:8080" expected allow, but pod backend-`, "isolated for ingress by NetworkPolicy allow-frontend"))
	t.Logf("only allow-frontend:\n%s", dump(v))
	r.reach25(c, true, false, false)

	r.resetLevel()
	r.until(90*time.Second, "the broken state after the second reset", broken)
	c = r.clients25("-after-reset-2")
	r.reach25(c, false, true, false)

	// An alternative fix that picks frontend's namespace by one of its own
	// labels (the one the game sets), as a player may.
	level := r.namespaceLabel("k8squest.dev/level")
	r.semPatch("NetworkPolicy", "backend-network-policy", `{"spec":{"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"admin-tool"}}},`+
		`{"namespaceSelector":{"matchLabels":{"k8squest.dev/level":"`+level+`"}},"podSelector":{"matchLabels":{"app":"frontend"}}}],"ports":[{"port":8080}]}]}}`, false)
	v = r.until(60*time.Second, "passing with a namespaceSelector on the namespace's label", all(passed, is("policy", check.Pass,
		`"frontend → backend:8080" allow (admitted by NetworkPolicy backend-network-policy`)))
	t.Logf("namespace label:\n%s", dump(v))
	r.reach25(c, true, true, false)

	r.resetLevel()
	r.until(90*time.Second, "the broken state after the third reset", broken)
	c = r.clients25("-after-reset-3")
	r.reach25(c, false, true, false)
}

// namespaceLabel returns the value of label key on the rig's namespace; the
// test fails when it has none.
func (r *rig) namespaceLabel(key string) string {
	r.t.Helper()
	ns, err := r.cs.CoreV1().Namespaces().Get(context.Background(), r.ns, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	v, ok := ns.Labels[key]
	if !ok {
		r.t.Fatalf("namespace %s has no label %s (labels: %v)", r.ns, key, ns.Labels)
	}
	return v
}
