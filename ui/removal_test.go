package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/score"
)

// finishLevel30 completes level 30; going back to the map then removes it.
func (h *harness) finishLevel30() {
	h.booted()
	o := score.Outcome{LevelXP: 300, Seconds: 95}
	h.send(levelDoneMsg{Level: level30(), Session: h.be.sess, Outcome: o, Breakdown: score.Score(o), Award: awardOf(300), Progress: h.be.state})
}

// TestFailedTeardownIsShownOnTheMap: a removal that fails says so on the
// map, with the command that finishes it.
func TestFailedTeardownIsShownOnTheMap(t *testing.T) {
	h := newHarness(t, Options{})
	h.be.sess.teardownErr = errors.New(`delete namespace k8squest: namespaces "k8squest" is forbidden`)
	h.finishLevel30()
	h.runAll(h.send(showMapMsg{}))
	v := flat(h.view())
	for _, want := range []string{"✗ Could not remove level 30 from namespace k8squest", `namespaces "k8squest" is forbidden`, "Run: k8squest teardown 30"} {
		if !strings.Contains(v, want) {
			t.Errorf("the map does not say %q:\n%s", want, v)
		}
	}
}

// TestRemovalRunsBehindTheMap: while the teardown runs the map shows it and
// stays usable; its end shows on the same line.
func TestRemovalRunsBehindTheMap(t *testing.T) {
	h := newHarness(t, Options{})
	h.be.levels = append(h.be.levels, level30())
	h.be.levels[1].ID, h.be.levels[1].Title = 31, "Another"
	gate := make(chan struct{})
	h.be.sess.teardownGate = gate
	h.finishLevel30()
	h.send(showMapMsg{})
	r := h.m.removal
	if r == nil {
		t.Fatal("no removal started")
	}
	go r.op.run(func(ctx context.Context, _ cluster.Reporter) (any, error) {
		defer close(r.finished)
		return nil, h.be.sess.Teardown(ctx, nil)
	})()
	if v := h.view(); !strings.Contains(v, "Removing level 30 from namespace k8squest") {
		t.Fatalf("the map does not show the removal:\n%s", v)
	}
	h.event(r.op, "remove namespace k8squest", cluster.StepStarted, "")
	if v := h.view(); !strings.Contains(v, "· remove namespace k8squest") {
		t.Fatalf("the map does not show the removal's step:\n%s", v)
	}
	before := h.m.world.cursor
	h.key('j', "j")
	if h.m.world.cursor == before {
		t.Fatal("the map does not move while the removal runs")
	}
	close(gate)
	h.send(r.op.wait()())
	if v := h.view(); !strings.Contains(v, "✓ Level 30 removed from namespace k8squest.") {
		t.Fatalf("the map does not show the removal's end:\n%s", v)
	}
}

// TestSetUpWaitsForTheRemoval: a level started while the last one is being
// removed waits for the removal, with a step, before setting up.
func TestSetUpWaitsForTheRemoval(t *testing.T) {
	removing := make(chan struct{})
	events := make(chan cluster.Event, 4)
	done := make(chan error, 1)
	go func() { done <- waitRemoval(context.Background(), removing, func(e cluster.Event) { events <- e }) }()
	select {
	case e := <-events:
		if e.State != cluster.StepStarted || !strings.Contains(e.Step, "removal") {
			t.Fatalf("first step %+v, want the wait for the removal", e)
		}
	case err := <-done:
		t.Fatalf("the set-up did not wait for the removal: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no step while waiting for the removal")
	}
	close(removing)
	if err := <-done; err != nil {
		t.Fatalf("waitRemoval = %v after the removal ended", err)
	}
	if e := <-events; e.State != cluster.StepDone {
		t.Fatalf("last step %+v, want done", e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := waitRemoval(ctx, make(chan struct{}), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("waitRemoval after cancel = %v", err)
	}
}

// flat joins a view's words with single spaces, so that a check does not
// depend on where a line wraps.
func flat(v string) string { return strings.Join(strings.Fields(v), " ") }

// cancelledSetup's Setup returns nil although its context ended, as the
// settle step does when Ctrl+C comes while it waits.
type cancelledSetup struct{ *fakeSession }

func (s cancelledSetup) Setup(context.Context, cluster.Reporter) error { return nil }

// TestInterruptedSetUpRecordsNoAttempt: a set-up whose context ended is no
// attempt, even when Setup itself returned nil.
func TestInterruptedSetUpRecordsNoAttempt(t *testing.T) {
	be := newFakeBackend()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := setupLevel(ctx, be, cancelledSetup{be.sess}, level30(), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("setupLevel after cancel = %v, want context.Canceled", err)
	}
	if be.started != 0 {
		t.Fatalf("attempts recorded = %d, want 0", be.started)
	}
	if _, err := setupLevel(context.Background(), be, be.sess, level30(), nil); err != nil || be.started != 1 {
		t.Fatalf("a finished set-up: %v, attempts %d; want one attempt", err, be.started)
	}
}

// TestQuitWaitsForTheRemoval: q on the map while the removal runs quits
// once it has ended, not before.
func TestQuitWaitsForTheRemoval(t *testing.T) {
	h := newHarness(t, Options{})
	h.finishLevel30()
	h.send(showMapMsg{})
	r := h.m.removal
	if cmd := h.key('q', "q"); cmd != nil {
		t.Fatal("q quit while the removal runs")
	}
	if v := flat(h.view()); !strings.Contains(v, "the game quits once it is done") {
		t.Fatalf("the map does not say the game quits after the removal:\n%s", v)
	}
	if _, ok := msgOf(t, h.send(opMsg{op: r.op, Done: true})).(tea.QuitMsg); !ok {
		t.Fatal("the game did not quit once the removal ended")
	}
}
