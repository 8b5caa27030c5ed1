package ui

import (
	"strings"
	"testing"

	"github.com/k8squest/k8squest/levels"
)

// boundFake is a session that bound its level, as the game's does when the
// level gives the player node ports of their own.
type boundFake struct {
	*fakeSession
	level *levels.Level
}

func (s boundFake) Level() *levels.Level { return s.level }

// TestBriefingShowsTheBoundLevel: once the session is open, the briefing
// (and the play screen after it) shows the level as the session bound it.
func TestBriefingShowsTheBoundLevel(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	h.send(showBriefingMsg{Level: level30()})
	bound := level30().WithNamespace("alice")
	bound.Briefing = "# Level 30\n\nYour node port is 31234."
	h.send(sessionMsg{level: level30(), Session: boundFake{newFakeSession("alice"), bound}})
	if got := h.m.briefing.level.Briefing; !strings.Contains(got, "31234") {
		t.Fatalf("the briefing shows:\n%s", got)
	}
}
