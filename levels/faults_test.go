package levels_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/sim"
	"github.com/k8squest/k8squest/levels"
)

// Fault tests kill processes, so each runs on a private sim cluster of its
// own (own state dir, ports and processes; the binaries are shared through
// the default cache), never on the shared cluster other packages use.

// ResumeBound is how soon after the API server is back the checklist must resume.
const resumeBound = 5 * time.Second

// faultRig is level 30 set up on a private cluster, with a Watch running.
type faultRig struct {
	t        *testing.T
	p        *sim.Provider
	c        *cluster.Cluster
	spec     play.Spec
	s        *play.Session
	cs       kubernetes.Interface
	verdicts <-chan play.Verdict
	stop     context.CancelFunc
}

func privateLevel30(t *testing.T) *faultRig {
	t.Helper()
	p := sim.New(sim.Options{StateDir: t.TempDir(), ReadyTimeout: 5 * time.Minute})
	t.Cleanup(func() {
		if err := p.Down(context.Background()); err != nil {
			t.Errorf("down the private cluster: %v", err)
		}
	})
	r := &faultRig{t: t, p: p, spec: level30Spec(t)}
	r.up()
	return r
}

func level30Spec(t *testing.T) play.Spec {
	t.Helper()
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == 30 {
			ns := "fault-" + randHex()
			spec, err := l.WithNamespace(ns).Spec(ns)
			if err != nil {
				t.Fatal(err)
			}
			return spec
		}
	}
	t.Fatal("level 30 not found")
	return play.Spec{}
}

// up starts (or restarts) the private cluster, sets the level up and watches it.
func (r *faultRig) up() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	c, err := r.p.Up(ctx)
	if err != nil {
		r.t.Fatalf("up the private cluster: %v", err)
	}
	r.t.Logf("private cluster up in %s", time.Since(start).Round(100*time.Millisecond))
	r.c = c
	if r.cs, err = kubernetes.NewForConfig(c.REST); err != nil {
		r.t.Fatal(err)
	}
	if r.s, err = play.New(c, r.spec, dns.Direct(c.DNSAddr)); err != nil {
		r.t.Fatal(err)
	}
	if err := r.s.Setup(ctx, nil); err != nil {
		r.t.Fatalf("set level 30 up: %v", err)
	}
	r.watch()
}

func (r *faultRig) watch() {
	ctx, cancel := context.WithCancel(context.Background())
	r.t.Cleanup(cancel)
	r.verdicts, r.stop = r.s.Watch(ctx), cancel
}

// next reads verdicts until cond holds and returns it with when it arrived;
// every verdict read on the way is passed to each (when not nil) first.
func (r *faultRig) next(timeout time.Duration, what string, cond func(play.Verdict) bool, each func(play.Verdict)) (play.Verdict, time.Time) {
	r.t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var last play.Verdict
	for {
		select {
		case v, ok := <-r.verdicts:
			if !ok {
				r.t.Fatalf("the watch ended while waiting for %s; last verdict:\n%s", what, dump(last))
			}
			at := time.Now()
			if each != nil {
				each(v)
			}
			last = v
			if cond(v) {
				return v, at
			}
		case <-timer.C:
			r.t.Fatalf("after %s, still not %s; last verdict:\n%s", timeout, what, dump(last))
		}
	}
}

// broken waits for the level's broken state with DNS observed.
func (r *faultRig) broken() play.Verdict {
	r.t.Helper()
	v, _ := r.next(60*time.Second, "the broken state with DNS observed", brokenObserved, nil)
	return v
}

func brokenObserved(v play.Verdict) bool {
	return v.Err == nil && all(
		is("shared-ip", check.Fail, "virtual IP"),
		is("wiring", check.Pass),
		is("ready", check.Pass),
		is("pod-dns", check.Pass),
		is("service-dns", check.Fail, "a virtual IP"),
	)(v)
}

func unreachable(v play.Verdict) bool { return errors.Is(v.Err, play.ErrAPIUnreachable) }

// sameResults returns how two verdicts' results differ, or "" when they do not.
func sameResults(a, b play.Verdict, ids ...string) string {
	if len(ids) == 0 {
		for _, x := range a.Results {
			ids = append(ids, x.ID)
		}
		if len(a.Results) != len(b.Results) {
			return fmt.Sprintf("%d results, want %d", len(b.Results), len(a.Results))
		}
	}
	for _, id := range ids {
		x, y := result(a, id), result(b, id)
		if x.Status != y.Status || x.Message != y.Message {
			return fmt.Sprintf("check %s: %s %q, want %s %q", id, y.Status, y.Message, x.Status, x.Message)
		}
	}
	return ""
}

func background(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestFaultAPIServerRestart(t *testing.T) {
	r := privateLevel30(t)
	base := r.broken()
	ctx := background(t, 5*time.Minute)

	killed := time.Now()
	if err := r.p.Kill(ctx, sim.ProcAPIServer); err != nil {
		t.Fatal(err)
	}
	v, at := r.next(15*time.Second, "reporting the API server unreachable", unreachable, nil)
	t.Logf("API server killed: the watch said %q after %s", v.Err, at.Sub(killed).Round(time.Millisecond))
	if d := sameResults(base, v); d != "" {
		t.Errorf("while the API is down the last known results must stay: %s", d)
	}
	// Stay down long enough for the informers to back off.
	time.Sleep(5 * time.Second)

	restartAt := time.Now()
	if err := r.p.Restart(ctx, sim.ProcAPIServer); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	t.Logf("API server restart took %s", restarted.Sub(restartAt).Round(time.Millisecond))
	v, at = r.next(30*time.Second, "resumed after the restart", func(v play.Verdict) bool { return v.Err == nil }, func(v play.Verdict) {
		if v.Err != nil && !unreachable(v) {
			t.Errorf("verdict error %v does not wrap ErrAPIUnreachable", v.Err)
		}
	})
	resume := max(at.Sub(restarted), 0)
	t.Logf("checklist resumed %s after Restart returned (verdict evaluated %s after)", resume.Round(time.Millisecond), v.At.Sub(restarted).Round(time.Millisecond))
	if resume > resumeBound {
		t.Errorf("checklist resumed %s after the restart, want < %s", resume, resumeBound)
	}
	if d := sameResults(base, v); d != "" {
		t.Errorf("results after the restart differ: %s\n%s", d, dump(v))
	}

	// The watch is live again, not just answering from old caches.
	changed := time.Now()
	if err := r.cs.CoreV1().Services(r.spec.Namespace).Delete(ctx, "web-cluster", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, at = r.next(resumeBound, "seeing a change made after the restart", is("shared-ip", check.Fail, "does not exist"), nil)
	t.Logf("a change after the restart was seen in %s", at.Sub(changed).Round(time.Millisecond))
}

func TestFaultCoreDNSKilled(t *testing.T) {
	r := privateLevel30(t)
	base := r.broken()
	ctx := background(t, 5*time.Minute)
	others := []string{"shared-ip", "wiring", "ready"}
	unchanged := func(v play.Verdict) {
		if v.Err != nil {
			t.Errorf("verdict error while only DNS is down: %v", v.Err)
		}
		if d := sameResults(base, v, others...); d != "" {
			t.Errorf("a check without DNS changed: %s", d)
		}
	}

	if err := r.p.Kill(ctx, sim.ProcCoreDNS); err != nil {
		t.Fatal(err)
	}
	v, _ := r.next(15*time.Second, "DNS checks unknown", all(
		is("pod-dns", check.Unknown, "DNS unreachable"),
		is("service-dns", check.Unknown, "DNS unreachable"),
	), unchanged)
	t.Logf("CoreDNS down:\n%s", dump(v))
	if v.Passed {
		t.Error("a level with DNS down passed")
	}

	if err := r.p.Restart(ctx, sim.ProcCoreDNS); err != nil {
		t.Fatal(err)
	}
	v, _ = r.next(15*time.Second, "DNS checks back", func(v play.Verdict) bool { return sameResults(base, v) == "" }, unchanged)
	t.Logf("CoreDNS back:\n%s", dump(v))
}

func TestFaultNamespaceDeleted(t *testing.T) {
	r := privateLevel30(t)
	r.broken()
	ctx := background(t, 5*time.Minute)

	if err := r.cs.CoreV1().Namespaces().Delete(ctx, r.spec.Namespace, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	v, _ := r.next(2*time.Minute, "reporting the namespace gone", func(v play.Verdict) bool {
		return errors.Is(v.Err, play.ErrNamespaceGone)
	}, nil)
	t.Logf("namespace deleted: %v", v.Err)
	if v.Passed {
		t.Error("a deleted level passed")
	}

	if err := r.s.Reset(ctx, nil); err != nil {
		t.Fatalf("reset: %v", err)
	}
	// The same watch sees the level come back.
	r.broken()
}

func TestFaultClusterDeleted(t *testing.T) {
	r := privateLevel30(t)
	r.broken()
	ctx := background(t, 5*time.Minute)

	if err := r.p.Down(ctx); err != nil {
		t.Fatal(err)
	}
	gone := time.Now()
	v, at := r.next(20*time.Second, "reporting the API server unreachable", unreachable, nil)
	t.Logf("cluster deleted: the watch said %q after %s", v.Err, at.Sub(gone).Round(time.Millisecond))
	// It keeps reporting, neither recovering by mistake nor ending.
	quiet := time.NewTimer(5 * time.Second)
	for waiting := true; waiting; {
		select {
		case v, ok := <-r.verdicts:
			if !ok {
				t.Fatal("the watch ended on its own")
			}
			if !unreachable(v) {
				t.Errorf("verdict with the cluster gone: %v\n%s", v.Err, dump(v))
			}
		case <-quiet.C:
			waiting = false
		}
	}
	// Quitting ends the watch promptly.
	r.stop()
	for end := time.After(5 * time.Second); ; {
		select {
		case _, ok := <-r.verdicts:
			if ok {
				continue
			}
		case <-end:
			t.Fatal("the watch did not end within 5s of its context")
		}
		break
	}

	// Creating the cluster again makes the level playable.
	r.up()
	r.broken()
}
