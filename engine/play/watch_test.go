package play

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/check"
)

// verdictWait bounds the wait for one verdict: a health probe comes every
// HealthInterval, and a restart waits RequeryInterval between attempts.
const verdictWait = 10 * time.Second

// TestWatchSendsOnlyChangedVerdicts: a change that leaves every result as it
// was is evaluated but not sent; the change that fixes the level is.
func TestWatchSendsOnlyChangedVerdicts(t *testing.T) {
	api := newFakeAPI(t, namespace(testNS))
	chk := &serviceCheck{name: "web"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := fakeSession(api, chk).Watch(ctx)

	first := recv(t, ch, verdictWait)
	if first.Passed || first.Err != nil || len(first.Results) != 1 || first.Results[0].Status != check.Fail {
		t.Fatalf("first verdict = %+v, want one failing result", first)
	}
	runs := chk.runs.Load()
	svcs := api.CoreV1().Services(testNS)
	if _, err := svcs.Create(ctx, service("other"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, verdictWait, "the checks run again after a change", func() bool { return chk.runs.Load() > runs })
	if _, err := svcs.Create(ctx, service("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Had the unchanged verdict been sent, it would come first here.
	if v := recv(t, ch, verdictWait); !v.Passed || v.Err != nil || v.Results[0].Message != "Service web exists" {
		t.Fatalf("verdict after the fix = %+v, want passing", v)
	}
	cancel()
	waitClosed(t, ch, verdictWait)
}

// TestWatchOutageKeepsLastResults: when /readyz stops answering, the next
// verdict carries ErrAPIUnreachable and the last known results; when it
// answers again, fresh informers give a verdict without error.
func TestWatchOutageKeepsLastResults(t *testing.T) {
	api := newFakeAPI(t, namespace(testNS), service("web"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := fakeSession(api, &serviceCheck{name: "web"}).Watch(ctx)
	if v := recv(t, ch, verdictWait); !v.Passed {
		t.Fatalf("first verdict = %+v, want passing", v)
	}

	api.down(true, true)
	v := recv(t, ch, verdictWait)
	if !errors.Is(v.Err, ErrAPIUnreachable) || v.Passed {
		t.Fatalf("verdict during the outage = %+v, want ErrAPIUnreachable and not passed", v)
	}
	if len(v.Results) != 1 || v.Results[0].Status != check.Pass {
		t.Fatalf("results during the outage = %+v, want the last known (passing) ones", v.Results)
	}

	api.down(false, false)
	if v := recv(t, ch, verdictWait); v.Err != nil || !v.Passed {
		t.Fatalf("verdict after the outage = %+v, want passing without error", v)
	}
	cancel()
	waitClosed(t, ch, verdictWait)
}

// TestWatchEndsCleanlyWhileRestarting: the API answers /readyz again but its
// lists still fail, so the watch is restarting when its context ends. The
// watch must close its channel, not panic.
func TestWatchEndsCleanlyWhileRestarting(t *testing.T) {
	api := newFakeAPI(t, namespace(testNS))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := fakeSession(api, &serviceCheck{name: "web"}).Watch(ctx)
	recv(t, ch, verdictWait)

	api.down(true, true)
	if v := recv(t, ch, verdictWait); !errors.Is(v.Err, ErrAPIUnreachable) {
		t.Fatalf("verdict during the outage = %+v, want ErrAPIUnreachable", v)
	}
	api.down(false, true)
	// The restart reports each failed attempt to start the informers.
	v := recv(t, ch, verdictWait)
	if !errors.Is(v.Err, ErrAPIUnreachable) || !strings.Contains(v.Err.Error(), errRefused.Error()) {
		t.Fatalf("verdict while restarting = %+v, want the refused list", v)
	}
	cancel()
	waitClosed(t, ch, verdictWait)
}

// TestWatchNamespaceGone: a level whose namespace is missing fails with
// ErrNamespaceGone.
func TestWatchNamespaceGone(t *testing.T) {
	api := newFakeAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := fakeSession(api, &serviceCheck{name: "web"}).Watch(ctx)
	if v := recv(t, ch, verdictWait); !errors.Is(v.Err, ErrNamespaceGone) || v.Passed {
		t.Fatalf("verdict = %+v, want ErrNamespaceGone", v)
	}
}

// TestCheckOnce runs the checks once: failing, then passing after the fix.
func TestCheckOnce(t *testing.T) {
	api := newFakeAPI(t, namespace(testNS))
	s := fakeSession(api, &serviceCheck{name: "web"})
	ctx := context.Background()
	v, err := s.CheckOnce(ctx)
	if err != nil || v.Passed || v.Results[0].ID != "svc" || v.Results[0].Title != "Service web exists" {
		t.Fatalf("CheckOnce = %+v, %v; want a failing result with its ID and title", v, err)
	}
	if _, err := api.CoreV1().Services(testNS).Create(ctx, service("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.CheckOnce(ctx); err != nil || !v.Passed {
		t.Fatalf("CheckOnce after the fix = %+v, %v; want passed", v, err)
	}
}

// TestCheckOnceAsksSettlingChecksAgain: a failure marked Settling (a cached
// DNS answer) is asked again until it passes.
func TestCheckOnceAsksSettlingChecksAgain(t *testing.T) {
	api := newFakeAPI(t, namespace(testNS), service("web"))
	chk := &serviceCheck{name: "web", settleRuns: 1}
	v, err := fakeSession(api, chk).CheckOnce(context.Background())
	if err != nil || !v.Passed || chk.runs.Load() != 2 {
		t.Fatalf("CheckOnce = %+v, %v after %d runs; want passed on the second run", v, err, chk.runs.Load())
	}
}

// TestCheckOnceAPIDown: with the API away, CheckOnce returns an error.
func TestCheckOnceAPIDown(t *testing.T) {
	api := newFakeAPI(t, namespace(testNS))
	api.down(true, true)
	if _, err := fakeSession(api, &serviceCheck{name: "web"}).CheckOnce(context.Background()); !errors.Is(err, errRefused) {
		t.Fatalf("CheckOnce with the API down = %v, want the refused list", err)
	}
}

// A DNS answer that contradicts the API is asked again within
// SettleInterval, and so is a failing DNS check right after a change; a
// failing DNS check long after one every RequeryInterval; a verdict whose
// checks all pass or need no asking waits for changes.
func TestNextRequery(t *testing.T) {
	failDNS := check.Result{Status: check.Fail, Requery: true}
	settlingDNS := check.Result{Status: check.Fail, Requery: true, Settling: 6 * time.Second}
	long := time.Hour
	for _, c := range []struct {
		name  string
		v     Verdict
		since time.Duration
		want  time.Duration
	}{
		{"settling", Verdict{Results: []check.Result{{Status: check.Pass}, settlingDNS}}, long, SettleInterval},
		{"failing DNS", Verdict{Results: []check.Result{failDNS}}, long, RequeryInterval},
		{"failing DNS right after a change", Verdict{Results: []check.Result{failDNS}}, time.Second, SettleInterval},
		{"unknown", Verdict{Results: []check.Result{{Status: check.Unknown}}}, long, RequeryInterval},
		{"settled and passing", Verdict{Results: []check.Result{{Status: check.Pass, Settling: time.Second}}}, time.Second, time.Hour},
		{"failing API check right after a change", Verdict{Results: []check.Result{{Status: check.Fail}}}, time.Second, time.Hour},
		{"API unreachable", Verdict{Err: ErrAPIUnreachable}, time.Second, RequeryInterval},
	} {
		if got := nextRequery(c.v, c.since); got != c.want {
			t.Errorf("%s: next requery in %v, want %v", c.name, got, c.want)
		}
	}
}
