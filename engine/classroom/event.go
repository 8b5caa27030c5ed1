// Package classroom holds a workshop's live state: a Hub to which every
// learner's session publishes what happens in their game, and from which the
// instructor's board, `status --json` and `export` read consistent snapshots.
// It also sizes the cluster for a class (capacity.go).
package classroom

import (
	"fmt"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

// Kind says what happened in a learner's game.
type Kind int

const (
	// Connected is a session of the learner opening.
	Connected Kind = iota + 1
	// Disconnected is a session of the learner ending.
	Disconnected
	// LevelStarted is the learner's level being set up (or resumed).
	LevelStarted
	// Verdict is a new verdict of the learner's checks.
	Verdict
	// HintUsed is the learner opening a hint.
	HintUsed
	// SolutionUsed is the learner opening the solution.
	SolutionUsed
	// Completed is the learner completing their level.
	Completed
	// Activity is anything else the learner did (a key press, a command).
	Activity
)

// String implements fmt.Stringer.
func (k Kind) String() string {
	switch k {
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	case LevelStarted:
		return "level-started"
	case Verdict:
		return "verdict"
	case HintUsed:
		return "hint"
	case SolutionUsed:
		return "solution"
	case Completed:
		return "completed"
	case Activity:
		return "activity"
	default:
		return fmt.Sprintf("kind(%d)", int(k))
	}
}

// Check is one check of a learner's level as the board shows it.
// In JSON its status is a word: "pass", "fail", "pending" or "unknown".
type Check struct {
	ID     string
	Title  string
	Status check.Status
}

// ChecksOf turns a verdict's results into the board's checks.
func ChecksOf(rs []check.Result) []Check {
	out := make([]Check, len(rs))
	for i, r := range rs {
		out[i] = Check{ID: r.ID, Title: r.Title, Status: r.Status}
	}
	return out
}

// Event is one thing that happened in a learner's game.
type Event struct {
	// Learner is the learner's name.
	Learner string
	Kind    Kind
	// At is when it happened; zero means now, on the hub's clock.
	At time.Time
	// Level is the level concerned (LevelStarted, Verdict, Completed).
	Level int
	// Started is when the level's clock started, for LevelStarted: a
	// resumed level passes its original start. Zero means At.
	Started time.Time
	// Checks are the verdict's checks (Verdict; optional for LevelStarted,
	// where they say how many checks the level has).
	Checks []Check
	// XP and Completions are the learner's totals after a completion, read
	// from their progress (Completed). Zero Completions means one more.
	XP, Completions int
}

// validate says what is wrong with e, naming the field.
func (e Event) validate() error {
	if e.Learner == "" {
		return fmt.Errorf("classroom event %s: field Learner is empty", e.Kind)
	}
	if e.Kind < Connected || e.Kind > Activity {
		return fmt.Errorf("classroom event of learner %q: unknown kind %d", e.Learner, int(e.Kind))
	}
	if (e.Kind == LevelStarted || e.Kind == Completed) && e.Level <= 0 {
		return fmt.Errorf("classroom event %s of learner %q: field Level is %d, want a level number", e.Kind, e.Learner, e.Level)
	}
	return nil
}
