package game

import (
	"github.com/k8squest/k8squest/engine/fieldnotes"
	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/score"
	"github.com/k8squest/k8squest/levels"
)

// Progress returns the saved progress. A progress file that could not be
// read is set aside, with a notice saying where.
func (x *Game) Progress() (prog.State, error) {
	st, notice, err := x.store.Load()
	if notice != "" {
		x.notice("k8squest: %s\n", notice)
	}
	return st, err
}

// ProgressPath is the progress file's path.
func (x *Game) ProgressPath() string { return x.store.Path() }

// Complete records a completed attempt at level l and returns the XP
// breakdown, what the completion changed and the new progress; notes are
// the play's field notes, kept with the progress.
func (x *Game) Complete(l *levels.Level, o score.Outcome, notes *fieldnotes.Notes) (score.Breakdown, prog.Award, prog.State, error) {
	b := score.Score(o)
	a, st, _, err := x.store.Complete(prog.Completion{
		Level: l.ID, XP: b.Total, Seconds: o.Seconds,
		HintsUsed: len(o.HintCosts), Solution: o.SolutionOpened, Notes: notes,
	})
	return b, a, st, err
}

// Started records that level l was started (an attempt).
func (x *Game) Started(l *levels.Level) error {
	_, _, err := x.store.Start(l.ID)
	return err
}
