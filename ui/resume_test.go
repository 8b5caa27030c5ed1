package ui

import (
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/classroom"
)

// TestResumeGoesBackToTheLevelWithItsClock: a learner who reconnects is
// back on the play screen of the level they left, nothing set up again
// and no new attempt recorded, with the clock running from the level's
// first start; the classroom hears of the level with that start.
func TestResumeGoesBackToTheLevelWithItsClock(t *testing.T) {
	started := t0.Add(-7 * time.Minute)
	var events []classroom.Event
	h := newHarness(t, Options{Resume: Resume{Level: 30, Started: started}, Report: func(e classroom.Event) { events = append(events, e) }})
	cmd := h.send(bootDoneMsg{Cluster: "sim cluster k8squest-sim", Progress: h.be.state})
	if cmd == nil {
		t.Fatal("the boot's end asked for nothing: no resume")
	}
	h.send(cmd())
	if h.m.screen != screenPlay || h.m.play == nil {
		t.Fatalf("screen %v after the resume, want play", h.m.screen)
	}
	if got := h.m.play.elapsed(); got != 7*time.Minute {
		t.Fatalf("the clock says %v, want 7m0s since the level's start", got)
	}
	if h.be.started != 0 {
		t.Fatalf("%d attempts recorded by a resume, want none", h.be.started)
	}
	if len(events) == 0 || events[0].Kind != classroom.LevelStarted || !events[0].Started.Equal(started) {
		t.Fatalf("classroom events %+v, want the level started at %v", events, started)
	}
}
