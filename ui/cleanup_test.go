package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/engine/score"
)

// runAll runs cmd and every command it batches, feeding messages back, a
// few rounds deep, the way the program would.
func (h *harness) runAll(cmd tea.Cmd) {
	for depth := 0; cmd != nil && depth < 4; depth++ {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				if c != nil {
					h.runAll(c)
				}
			}
			return
		}
		cmd = h.send(msg)
	}
}

// TestFinishedLevelIsRemovedOnLeaving: the result screen says the level's
// objects will go, and going back to the map tears the level down once.
func TestFinishedLevelIsRemovedOnLeaving(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	o := score.Outcome{LevelXP: 300, Seconds: 95}
	h.send(levelDoneMsg{Level: level30(), Session: h.be.sess, Outcome: o, Breakdown: score.Score(o), Award: awardOf(300), Progress: h.be.state})
	if v := ansi.Strip(h.m.result.View()); !strings.Contains(v, "Back on the map, the game removes what the level created") || !strings.Contains(v, "namespace k8squest.") {
		t.Fatalf("the result screen does not say the level will be removed:\n%s", v)
	}
	h.runAll(h.send(showMapMsg{}))
	if h.be.sess.cleaned != 1 {
		t.Fatalf("teardowns after leaving = %d, want 1", h.be.sess.cleaned)
	}
	h.runAll(h.send(showMapMsg{}))
	if h.be.sess.cleaned != 1 {
		t.Fatalf("teardowns after a second visit to the map = %d, want still 1", h.be.sess.cleaned)
	}
}
