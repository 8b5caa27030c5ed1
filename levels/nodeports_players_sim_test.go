package levels_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels"
)

// bindAtOnce binds l to every namespace of nss at the same moment, as
// players who open the level together would.
func bindAtOnce(t *testing.T, l *levels.Level, nss []string) []*levels.Level {
	t.Helper()
	c, _ := testCluster(t)
	for _, ns := range nss {
		t.Cleanup(func() { releaseNodePorts(t, c, ns) })
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := make([]*levels.Level, len(nss))
	errs := make([]error, len(nss))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, ns := range nss {
		cs := simtest.Clientset(t, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i], errs[i] = l.WithNamespace(ns).BindNodePorts(ctx, cs)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("bind level %d to %s: %v", l.ID, nss[i], err)
		}
	}
	return out
}

// TestTwoPlayersPlayLevel22AtOnce has two players open level 22 at the same
// moment, each in their own namespace and as their own identity: each is
// told a port of their own, one cannot take the other's, and both pass with
// the solution the level gives them.
func TestTwoPlayersPlayLevel22AtOnce(t *testing.T) {
	t.Parallel()
	nsA, nsB := "t22a-"+randHex(), "t22b-"+randHex()
	bound := bindAtOnce(t, loadLevel(t, 22), []string{nsA, nsB})
	la, lb := bound[0], bound[1]
	if la.Protections.NodePortRange == nil || lb.Protections.NodePortRange == nil {
		t.Fatalf("the players were given no node ports: A told %d, B told %d", la.NodePort, lb.NodePort)
	}
	ra, rb := *la.Protections.NodePortRange, *lb.Protections.NodePortRange
	if la.NodePort == lb.NodePort || ra.Min <= rb.Max && rb.Min <= ra.Max {
		t.Fatalf("player A got %d in %v, player B %d in %v: not their own", la.NodePort, ra, lb.NodePort, rb)
	}
	for _, l := range bound {
		if !strings.Contains(l.Briefing, fmt.Sprintf("node port **%d**", l.NodePort)) || !strings.Contains(l.Checks[0].Title, itoa(l.NodePort)) {
			t.Fatalf("player in %s is not told port %d:\n%s", l.Namespace, l.NodePort, l.Briefing)
		}
	}
	t.Logf("player A: port %d of %d-%d; player B: port %d of %d-%d", la.NodePort, ra.Min, ra.Max, lb.NodePort, rb.Min, rb.Max)
	a, b := setUpBound(t, la, nsA), setUpBound(t, lb, nsB)
	kcA, kcB := playerKubeconfig(t, a), playerKubeconfig(t, b)

	// Player A asks for B's port, free for now: the game's policy refuses it.
	patch := fmt.Sprintf(`[{"op":"replace","path":"/spec/ports/0/nodePort","value":%d}]`, lb.NodePort)
	out, ok := kubectlAs(t, kcA, "patch", "svc", "web-nodeport", "--type=json", "-p", patch)
	want := fmt.Sprintf("%s: %d-%d", kube.MsgNodePortRange, ra.Min, ra.Max)
	if ok || !strings.Contains(out, kube.PolicyPlayerServices) || !strings.Contains(out, want) {
		t.Fatalf("player A taking B's port %d: ok=%v, want refused with %q:\n%s", lb.NodePort, ok, want, out)
	}
	t.Logf("player A asking for B's port: %s", strings.TrimSpace(out))

	// Both fix the level with their own solution, at once.
	var wg sync.WaitGroup
	for _, p := range []struct {
		r  *rig
		kc string
	}{{a, kcA}, {b, kcB}} {
		file := p.r.solutionFile(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, ok := kubectlAs(t, p.kc, "apply", "-f", file); !ok {
				t.Errorf("player in %s: kubectl apply of the solution:\n%s", p.r.ns, out)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, r := range []*rig{a, b} {
		r.until(60*time.Second, "passing with the player's own port", all(passed, is("nodeport", check.Pass, "exposes port 80 on nodePort "+r.port())))
		if got := r.nodePortOf("web-nodeport"); got != r.level.NodePort {
			t.Errorf("%s: Service on node port %d, want %d", r.ns, got, r.level.NodePort)
		}
	}
}

// TestManyPlayersNeverShareNodePorts has eight players ask for node ports
// at the same moment on the real API server: each gets a block no other
// holds, and asking again gives each the same block.
func TestManyPlayersNeverShareNodePorts(t *testing.T) {
	t.Parallel()
	var nss []string
	for i := range 8 {
		nss = append(nss, fmt.Sprintf("tnp%d-%s", i, randHex()))
	}
	l := loadLevel(t, 22)
	first := bindAtOnce(t, l, nss)
	seen := map[int32]string{}
	for i, b := range first {
		if b.Protections.NodePortRange == nil {
			t.Fatalf("%s was given no node ports", nss[i])
		}
		r := *b.Protections.NodePortRange
		for p := r.Min; p <= r.Max; p++ {
			if other, dup := seen[p]; dup {
				t.Fatalf("%s and %s both hold node port %d", other, nss[i], p)
			}
			seen[p] = nss[i]
		}
	}
	again := bindAtOnce(t, l, nss)
	for i := range nss {
		if *again[i].Protections.NodePortRange != *first[i].Protections.NodePortRange {
			t.Errorf("%s: %v, then %v", nss[i], *first[i].Protections.NodePortRange, *again[i].Protections.NodePortRange)
		}
	}
}
