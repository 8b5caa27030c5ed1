package classroom

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// checks builds a level's checks with the given statuses.
func checks(st ...check.Status) []Check {
	out := make([]Check, len(st))
	for i, s := range st {
		out[i] = Check{ID: fmt.Sprintf("c%d", i), Title: fmt.Sprintf("check %d", i), Status: s}
	}
	return out
}

// waitFor reads sub until a snapshot satisfies ok, failing after bound.
func waitFor(t *testing.T, sub *Subscription[Snapshot], bound time.Duration, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.NewTimer(bound)
	defer deadline.Stop()
	for {
		select {
		case s, open := <-sub.C():
			if !open {
				t.Fatalf("subscription closed before the snapshot arrived")
			}
			if ok(s) {
				return s
			}
		case <-deadline.C:
			t.Fatalf("no matching snapshot within %v", bound)
		}
	}
}

func newHub(t *testing.T, opts Options) *Hub {
	t.Helper()
	h := New(opts)
	t.Cleanup(h.Close)
	return h
}

func TestRowFollowsEvents(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		{Kind: Connected, At: at(0)},
		{Kind: LevelStarted, At: at(1), Level: 30, Checks: checks(check.Pending, check.Pending, check.Pending)},
		{Kind: Verdict, At: at(2), Level: 30, Checks: checks(check.Fail, check.Pass, check.Pass)},
		{Kind: HintUsed, At: at(3)},
		{Kind: HintUsed, At: at(4)},
		{Kind: SolutionUsed, At: at(5)},
		{Kind: Connected, At: at(6)},
		{Kind: Disconnected, At: at(7)},
	}
	r := Row{Name: "ada"}
	for _, e := range events {
		e.Learner = "ada"
		r = r.apply(e)
	}
	want := Row{Name: "ada", Sessions: 1, Connected: true, Level: 30, Passing: 2, Total: 3,
		Started: at(1), Hints: 2, Solution: true, LastActivity: at(6)}
	r.Checks = nil
	if fmt.Sprint(r) != fmt.Sprint(want) {
		t.Fatalf("row:\n got %+v\nwant %+v", r, want)
	}
	if got := r.TimeOnLevel(at(11)); got != 10*time.Minute {
		t.Errorf("time on level = %v, want 10m", got)
	}
	r = r.apply(Event{Learner: "ada", Kind: Completed, At: at(12), Level: 30, XP: 240, Completions: 1})
	if !r.Done() || r.XP != 240 || r.Completions != 1 || r.TimeOnLevel(at(50)) != 11*time.Minute {
		t.Errorf("after completion: done %v, XP %d, completions %d, time %v; want true, 240, 1, 11m",
			r.Done(), r.XP, r.Completions, r.TimeOnLevel(at(50)))
	}
	r = r.apply(Event{Learner: "ada", Kind: LevelStarted, At: at(13), Level: 29})
	if r.Done() || r.Hints != 0 || r.Solution || r.Total != 0 || r.XP != 240 {
		t.Errorf("a new level keeps XP and clears the rest: %+v", r)
	}
}

func TestDisconnectNeverGoesNegative(t *testing.T) {
	r := Row{Name: "bo"}.apply(Event{Learner: "bo", Kind: Disconnected, At: t0})
	if r.Sessions != 0 || r.Connected || !r.LastActivity.IsZero() {
		t.Errorf("a stray disconnect: %+v", r)
	}
}

func TestResumedLevelKeepsItsClock(t *testing.T) {
	r := Row{Name: "cy"}.apply(Event{Learner: "cy", Kind: LevelStarted, At: t0.Add(time.Hour), Started: t0, Level: 30})
	if got := r.TimeOnLevel(t0.Add(time.Hour)); got != time.Hour {
		t.Errorf("time on a resumed level = %v, want 1h", got)
	}
}

func TestPublishRefusesMalformedEvents(t *testing.T) {
	h := newHub(t, Options{})
	for _, e := range []Event{
		{Kind: Connected},
		{Learner: "ada", Kind: 0},
		{Learner: "ada", Kind: 99},
		{Learner: "ada", Kind: LevelStarted},
		{Learner: "ada", Kind: Completed, Level: -1},
	} {
		if err := h.Publish(e); err == nil {
			t.Errorf("Publish(%+v) = nil, want an error", e)
		}
	}
	if n := len(h.Snapshot().Rows); n != 0 {
		t.Errorf("a refused event made %d rows", n)
	}
}

func TestSubscriberSeesChangeWithinASecond(t *testing.T) {
	h := newHub(t, Options{Workshop: "kubecon"})
	sub := h.Subscribe(context.Background())
	first := waitFor(t, sub, time.Second, func(Snapshot) bool { return true })
	if len(first.Rows) != 0 || first.Workshop != "kubecon" {
		t.Fatalf("first snapshot: %+v", first)
	}
	start := time.Now()
	if err := h.Publish(Event{Learner: "ada", Kind: Verdict, Level: 30, Checks: checks(check.Pass, check.Fail)}); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, sub, time.Second, func(s Snapshot) bool { r, ok := s.Row("ada"); return ok && r.Passing == 1 })
	if s.Seq <= first.Seq {
		t.Errorf("seq went from %d to %d", first.Seq, s.Seq)
	}
	t.Logf("publish to delivery: %v", time.Since(start))
}

func TestBurstIsCoalesced(t *testing.T) {
	h := newHub(t, Options{Window: 200 * time.Millisecond})
	sub := h.Subscribe(context.Background())
	<-sub.C()
	for i := range 500 {
		_ = h.Publish(Event{Learner: fmt.Sprintf("l%02d", i%50), Kind: Activity})
	}
	last := waitFor(t, sub, 2*time.Second, func(s Snapshot) bool { return s.Seq == 500 })
	deliveries := 1
	quiet := time.NewTimer(300 * time.Millisecond)
	defer quiet.Stop()
	for done := false; !done; {
		select {
		case <-sub.C():
			deliveries++
		case <-quiet.C:
			done = true
		}
	}
	if deliveries > 1 || len(last.Rows) != 50 {
		t.Errorf("500 events in a burst: %d more deliveries after the final state, %d rows; want none, 50", deliveries-1, len(last.Rows))
	}
}

func TestSlowSubscriberNeverBlocksPublishers(t *testing.T) {
	// Not newHub: a hub stuck on a subscriber would hang Close in cleanup,
	// and the test must fail, not hang.
	h := New(Options{Window: time.Millisecond})
	_ = h.Subscribe(context.Background()) // never read
	fast := h.Subscribe(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20000 {
			_ = h.Publish(Event{Learner: "ada", Kind: Verdict, Level: 30, Checks: checks(check.Status(1 + i%2))})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("publishers blocked behind a subscriber that never reads")
	}
	waitFor(t, fast, time.Second, func(s Snapshot) bool { return s.Seq == 20000 })
	h.Close()
}

func TestSeqNeverGoesBackUnderConcurrency(t *testing.T) {
	h := newHub(t, Options{Window: time.Millisecond})
	subs := make([]*Subscription[Snapshot], 4)
	for i := range subs {
		subs[i] = h.Subscribe(context.Background())
	}
	var wg sync.WaitGroup
	for l := range 50 {
		wg.Go(func() {
			for i := range 40 {
				_ = h.Publish(Event{Learner: fmt.Sprintf("l%02d", l), Kind: Verdict, Level: 30, Checks: checks(check.Status(1 + i%2))})
			}
		})
	}
	var readers sync.WaitGroup
	for _, s := range subs {
		readers.Go(func() {
			var last uint64
			for snap := range s.C() {
				if snap.Seq < last {
					t.Errorf("seq went back from %d to %d", last, snap.Seq)
				}
				last = snap.Seq
				if last == 2000 {
					return
				}
			}
		})
	}
	wg.Wait()
	readers.Wait()
}

func TestSubscriptionEndsWithContextAndHub(t *testing.T) {
	h := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	a, b := h.Subscribe(ctx), h.Subscribe(context.Background())
	m := h.Messages(context.Background())
	<-a.C()
	<-b.C()
	cancel()
	waitClosed(t, a.C())
	h.Close()
	waitClosed(t, b.C())
	waitClosed(t, m.C())
	if _, open := <-h.Subscribe(context.Background()).C(); open {
		t.Error("a subscription after Close is open")
	}
	if err := h.Publish(Event{Learner: "ada", Kind: Activity}); err != nil {
		t.Errorf("publish after close: %v", err)
	}
}

// waitClosed drains c until it closes, failing after a second.
func waitClosed[T any](t *testing.T, c <-chan T) {
	t.Helper()
	timeout := time.After(time.Second)
	for {
		select {
		case _, open := <-c:
			if !open {
				return
			}
		case <-timeout:
			t.Fatal("channel still open after a second")
		}
	}
}
