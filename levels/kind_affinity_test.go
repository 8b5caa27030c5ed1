//go:build kind

package levels_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/k8squest/k8squest/engine/check"
)

// affinityRequests is how many requests one round of level 26's traffic
// sends from one client. With sessionAffinity None kube-proxy picks one of
// the 3 endpoints at random for each connection, so all 30 land on one pod
// with probability 3·3^-30 = 3^-29 ≈ 1.5e-14 per round: a broken Service
// cannot pass for a sticky one by chance.
const affinityRequests = 30

// hits counts, per Running pod of the rig's namespace matching selector,
// the requests from client IP ip its log shows. The nginx stand-in (busybox
// httpd -vv) logs "[::ffff:IP]:PORT: response:CODE" for each one.
func (r *rig) hits(selector, ip string) map[string]int {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pods, err := r.cs.CoreV1().Pods(r.ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		r.t.Fatalf("list pods %s: %v", selector, err)
	}
	n := map[string]int{}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning || p.DeletionTimestamp != nil {
			continue
		}
		raw, err := r.cs.CoreV1().Pods(r.ns).GetLogs(p.Name, &corev1.PodLogOptions{}).DoRaw(ctx)
		if err != nil {
			r.t.Fatalf("logs of pod %s: %v", p.Name, err)
		}
		n[p.Name] = countRequests(string(raw), ip)
	}
	return n
}

// countRequests counts the response lines of an httpd -v log made for
// client ip (as "ip:PORT: " or "[::ffff:ip]:PORT: ").
func countRequests(log, ip string) int {
	k := 0
	for _, l := range strings.Split(log, "\n") {
		if !strings.Contains(l, ": response:") {
			continue
		}
		if strings.HasPrefix(l, ip+":") || strings.HasPrefix(l, "[::ffff:"+ip+"]:") {
			k++
		}
	}
	return k
}

// spread is a round's requests per pod, e.g. "a=11 b=9 c=10".
type spread map[string]int

func (s spread) String() string {
	var parts []string
	for p, n := range s {
		parts = append(parts, fmt.Sprintf("%s=%d", p, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// pods counts the pods that got at least one request.
func (s spread) pods() int {
	k := 0
	for _, n := range s {
		if n > 0 {
			k++
		}
	}
	return k
}

// round sends affinityRequests requests to url from the client pod (whose
// IP is ip) and returns how the backend pods' logs say they were spread,
// and whether the logs hold them all (a pod that stopped meanwhile does
// not count). A request that fails (as while a scale-down removes the pod
// a client sticks to, until kube-proxy follows) is the error.
func (r *rig) round(client, ip, url, selector string) (spread, bool, error) {
	r.t.Helper()
	before := r.hits(selector, ip)
	cmd := fmt.Sprintf(`i=0; while [ $i -lt %d ]; do wget -T 3 -q -O /dev/null %s || exit 1; i=$((i+1)); done`, affinityRequests, url)
	if res := r.sh(client, cmd); res.Err != nil {
		return nil, false, fmt.Errorf("requests from %s to %s: %s", client, url, res)
	}
	// The logs follow the responses by a moment.
	var got spread
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(context.Context) (bool, error) {
		got = spread{}
		total := 0
		for p, n := range r.hits(selector, ip) {
			got[p] = n - before[p]
			total += got[p]
		}
		return total == affinityRequests, nil
	})
	return got, err == nil, nil
}

// rounds repeats round until its logs hold every request and want holds
// for their spread, within trafficTimeout (kube-proxy follows a Service
// change a moment later), and returns that spread.
func (r *rig) rounds(what, client, url, selector string, want func(spread) bool) spread {
	r.t.Helper()
	ip := r.podIP(client)
	deadline := time.Now().Add(trafficTimeout)
	for k := 1; ; k++ {
		s, whole, err := r.round(client, ip, url, selector)
		if err == nil && whole && want(s) {
			r.t.Logf("%s: %d requests from %s (%s), round %d: %s", what, affinityRequests, client, ip, k, s)
			return s
		}
		if err != nil {
			r.t.Logf("%s, round %d: %v", what, k, err)
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s: after %d rounds in %s, the logs show the last %d requests from %s as %s (all logged: %v; last error: %v)",
				what, k, trafficTimeout, affinityRequests, client, s, whole, err)
		}
	}
}

// Level 26 on real kube-proxy, counted in the backends' own logs: with
// sessionAffinity None one client's requests spread over the pods and the
// check fails; with the solution's ClientIP every request of the client
// lands on one pod and the check passes; scaled to one replica, traffic
// has no other pod to go to and the check fails; reset spreads it again.
func TestKindTrafficLevel26(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	const app = "app=session-app"
	url := "http://session-service/"
	spreads := func(s spread) bool { return s.pods() >= 2 }
	sticks := func(s spread) bool { return s.pods() == 1 }

	r.until(60*time.Second, "the broken state", all(
		is("affinity", check.Fail, "sessionAffinity None"), is("ready", check.Pass)))
	tb := r.toolbox()
	r.rounds("sessionAffinity None", tb, url, app, spreads)

	r.applySolution()
	r.until(60*time.Second, "passing after the fix", passed)
	r.rounds("sessionAffinity ClientIP", tb, url, app, sticks)
	// Affinity is per client: a second client sticks too, to a pod of its own choosing.
	r.rounds("ClientIP, a second client", r.toolboxNamed("toolbox-2"), url, app, sticks)

	r.mustPatch("", "Deployment", "session-app", types.MergePatchType, `{"spec":{"replicas":1}}`)
	v := r.until(90*time.Second, "failing on one endpoint", is("affinity", check.Fail, "1 ready endpoint"))
	s := r.rounds("ClientIP on one replica", tb, url, app, func(s spread) bool { return len(s) == 1 })
	if v.Passed || s.pods() != 1 {
		t.Fatalf("one replica: passed=%v, traffic %s", v.Passed, s)
	}

	r.resetLevel()
	r.until(90*time.Second, "the broken state after reset", all(
		is("affinity", check.Fail, "sessionAffinity None"), is("ready", check.Pass)))
	r.rounds("after reset", r.toolboxNamed("toolbox-after-reset"), url, app, spreads)
}
