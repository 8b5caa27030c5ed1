package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/progress"
)

// events lists the reported events as "kind level n/m".
func eventsOf(es []classroom.Event) string {
	var out []string
	for _, e := range es {
		s := e.Kind.String()
		if e.Level != 0 {
			s += fmt.Sprint(" ", e.Level)
		}
		if e.Kind == classroom.Verdict || e.Kind == classroom.LevelStarted {
			pass := 0
			for _, c := range e.Checks {
				if c.Status == check.Pass {
					pass++
				}
			}
			s += fmt.Sprintf(" %d/%d", pass, len(e.Checks))
		}
		if e.Kind == classroom.Completed {
			s += fmt.Sprintf(" xp=%d done=%d", e.XP, e.Completions)
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func TestReportTellsTheClassroom(t *testing.T) {
	var got []classroom.Event
	h := newHarness(t, Options{Report: func(e classroom.Event) { got = append(got, e) }})
	ch := h.playing()
	failingV := play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Fail, check.Fail), failing)}
	h.verdict(ch, failingV)
	h.verdict(ch, failingV) // the same statuses again: DNS asked again
	h.key('h', "h")
	h.key('y', "y")
	h.advance(11 * time.Second)
	h.key('S', "S")
	h.key('y', "y")
	h.verdict(ch, passed())
	st := progress.State{Levels: map[int]*progress.Level{30: {Completed: true, BestXP: 10, Completions: 1}, 21: {BestXP: 100, Completions: 2}}}
	h.send(levelDoneMsg{Level: level30(), Progress: st})
	want := "level-started 30 0/5; verdict 30 2/5; activity; hint; activity; solution; verdict 30 5/5; completed 30 xp=110 done=3"
	if s := eventsOf(got); s != want {
		t.Errorf("reported:\n got %s\nwant %s", s, want)
	}
	for _, e := range got {
		if e.Learner != "" || e.At.IsZero() {
			t.Errorf("event %s: learner %q, at %v; want the learner left to the caller and a time", e.Kind, e.Learner, e.At)
		}
	}
}

func TestNoReportInSoloPlay(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	h.verdict(ch, passed()) // must not panic with no Report
}
