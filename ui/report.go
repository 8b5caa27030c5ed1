package ui

import (
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/progress"
)

// activityEvery is the least time between two activity reports.
const activityEvery = 10 * time.Second

// reporter turns what the learner's game does into classroom events for
// Options.Report: a level started, each change of the checks' statuses, a
// hint or the solution opened, a completion, and, at most every
// activityEvery, a key pressed.
type reporter struct {
	fn func(classroom.Event)
	// play is the play screen last seen; checks, hints and solution are
	// what was last reported of it.
	play     *playScreen
	checks   []classroom.Check
	hints    int
	solution bool
	activity time.Time
}

// Update implements tea.Model: the game's update, then the classroom report.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	model, cmd := m.update(msg)
	m.report.observe(m, msg)
	return model, cmd
}

// observe reports what msg changed.
func (r *reporter) observe(m *Model, msg tea.Msg) {
	if r.fn == nil {
		return
	}
	now := m.c.Now()
	switch msg := msg.(type) {
	case levelDoneMsg:
		r.play = nil
		r.emit(classroom.Event{Kind: classroom.Completed, At: now, Level: msg.Level.ID,
			XP: msg.Progress.TotalXP(), Completions: completions(msg.Progress.Levels)})
		return
	case tea.KeyPressMsg:
		if now.Sub(r.activity) >= activityEvery {
			r.activity = now
			r.emit(classroom.Event{Kind: classroom.Activity, At: now})
		}
	}
	if m.screen == screenPlay && m.play != nil {
		r.observePlay(m.play, now)
	}
}

// observePlay reports a new level, a changed verdict, hints and the solution.
func (r *reporter) observePlay(p *playScreen, now time.Time) {
	if p != r.play {
		r.play, r.checks, r.hints, r.solution = p, nil, 0, false
		r.emit(classroom.Event{Kind: classroom.LevelStarted, At: now, Level: p.level.ID, Started: p.started, Checks: pendingChecks(p)})
	}
	if p.haveVerdict {
		if cs := classroom.ChecksOf(p.verdict.Results); !slices.Equal(cs, r.checks) {
			r.checks = cs
			r.emit(classroom.Event{Kind: classroom.Verdict, At: now, Level: p.level.ID, Checks: cs})
		}
	}
	for ; r.hints < p.hintsOpened; r.hints++ {
		r.emit(classroom.Event{Kind: classroom.HintUsed, At: now})
	}
	if p.solutionOpened && !r.solution {
		r.solution = true
		r.emit(classroom.Event{Kind: classroom.SolutionUsed, At: now})
	}
}

func (r *reporter) emit(e classroom.Event) { r.fn(e) }

// pendingChecks is the level's checks before a verdict.
func pendingChecks(p *playScreen) []classroom.Check {
	out := make([]classroom.Check, len(p.level.Checks))
	for i, c := range p.level.Checks {
		out[i] = classroom.Check{ID: c.ID, Title: c.Title, Status: check.Pending}
	}
	return out
}

// completions sums the completions of every level.
func completions(ls map[int]*progress.Level) int {
	n := 0
	for _, l := range ls {
		n += l.Completions
	}
	return n
}
