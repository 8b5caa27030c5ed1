package classroom

import (
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

// Row is one learner on the board. A Row in a Snapshot is a copy; its Checks
// are shared between snapshots and must not be modified.
type Row struct {
	Name string `json:"name"`
	// Sessions counts the learner's open sessions; Connected is Sessions > 0.
	Sessions  int  `json:"sessions"`
	Connected bool `json:"connected"`
	// Level is the level being played, 0 before the first one.
	Level int `json:"level"`
	// Passing of Total checks pass in the latest verdict.
	Passing int `json:"passing"`
	Total   int `json:"total"`
	// Started is when the level's clock started; Finished when it was
	// completed (zero while it runs).
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// Hints counts the hints opened on this level; Solution says whether
	// the solution was.
	Hints    int  `json:"hints"`
	Solution bool `json:"solution"`
	// XP and Completions are the learner's totals.
	XP          int `json:"xp"`
	Completions int `json:"completions"`
	// LastActivity is the learner's latest event other than a disconnect.
	LastActivity time.Time `json:"lastActivity,omitzero"`
	// Checks are the latest verdict's checks, in the level's order.
	Checks []Check `json:"checks"`
}

// TimeOnLevel is how long the learner has been on their level at now: frozen
// at completion, zero before the first level.
func (r Row) TimeOnLevel(now time.Time) time.Duration {
	switch {
	case r.Level == 0 || r.Started.IsZero():
		return 0
	case !r.Finished.IsZero():
		return max(r.Finished.Sub(r.Started), 0)
	default:
		return max(now.Sub(r.Started), 0)
	}
}

// Done says whether the learner completed their current level.
func (r Row) Done() bool { return r.Level > 0 && !r.Finished.IsZero() }

// apply returns the row after e; r is not modified (rows are copy-on-write,
// so snapshots can share them).
func (r Row) apply(e Event) Row {
	if e.Kind != Disconnected {
		r.LastActivity = e.At
	}
	switch e.Kind {
	case Connected:
		r.Sessions++
	case Disconnected:
		r.Sessions = max(r.Sessions-1, 0)
	case LevelStarted:
		r = r.started(e)
	case Verdict:
		r = r.verdict(e)
	case HintUsed:
		r.Hints++
	case SolutionUsed:
		r.Solution = true
	case Completed:
		r = r.completed(e)
	case Activity:
	}
	r.Connected = r.Sessions > 0
	return r
}

func (r Row) started(e Event) Row {
	r.Level, r.Started, r.Finished = e.Level, e.Started, time.Time{}
	if r.Started.IsZero() {
		r.Started = e.At
	}
	r.Hints, r.Solution = 0, false
	r.setChecks(e.Checks)
	return r
}

func (r Row) verdict(e Event) Row {
	if e.Level > 0 && e.Level != r.Level {
		r.Level, r.Started, r.Finished = e.Level, e.At, time.Time{}
		r.Hints, r.Solution = 0, false
	}
	r.setChecks(e.Checks)
	return r
}

func (r Row) completed(e Event) Row {
	if e.Level != r.Level {
		r.Level, r.Started = e.Level, e.At
	}
	r.Finished = e.At
	r.XP = max(e.XP, r.XP)
	if e.Completions > 0 {
		r.Completions = e.Completions
	} else {
		r.Completions++
	}
	return r
}

// setChecks takes a copy of cs, so the publisher may reuse its slice.
func (r *Row) setChecks(cs []Check) {
	r.Checks = append([]Check(nil), cs...)
	r.Total, r.Passing = len(cs), 0
	for _, c := range cs {
		if c.Status == check.Pass {
			r.Passing++
		}
	}
}
