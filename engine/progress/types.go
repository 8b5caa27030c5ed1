// Package progress keeps the player's progress in one JSON file under the XDG
// state directory, written atomically, locked against a second game, and never
// silently overwritten when it cannot be read.
package progress

import (
	"time"

	"github.com/k8squest/k8squest/engine/fieldnotes"
)

// SchemaVersion is the version of the progress file this build writes.
// Version 2 added each level's field notes; files of version 1 are read
// and migrated (see migrate).
const SchemaVersion = 2

// State is everything the game remembers about the player.
type State struct {
	Schema int `json:"schema"`
	// Levels is keyed by level number.
	Levels map[int]*Level `json:"levels"`
}

// Level is the record of one level.
type Level struct {
	Completed bool `json:"completed"`
	// BestXP is the XP awarded for this level; replays only raise it.
	BestXP int `json:"bestXP"`
	// BestSeconds is the fastest completion.
	BestSeconds int `json:"bestSeconds,omitempty"`
	// Attempts counts level starts.
	Attempts int `json:"attempts"`
	// Completions counts completions.
	Completions int       `json:"completions"`
	HintsUsed   int       `json:"hintsUsed,omitempty"`
	Solution    bool      `json:"solutionViewed,omitempty"`
	FirstDone   time.Time `json:"firstCompleted,omitempty"`
	LastPlayed  time.Time `json:"lastPlayed,omitempty"`
	// StartedAt is when the level was last started. While LastPlayed is
	// not after it, the level is still being played (see InPlay).
	StartedAt time.Time `json:"startedAt,omitempty"`
	// Notes are the field notes of the latest completion.
	Notes *fieldnotes.Notes `json:"notes,omitempty"`
}

// TotalXP sums the XP of every level.
func (s *State) TotalXP() int {
	t := 0
	for _, l := range s.Levels {
		t += l.BestXP
	}
	return t
}

// Award says what recording a completion changed.
type Award struct {
	// Earned is the XP this completion was worth.
	Earned int
	// Gained is what it added to the total: zero on a replay that did not beat the best.
	Gained int
	// FirstTime is true on the first completion.
	FirstTime bool
}

// InPlay is the level the player started last and has not completed
// since, with when it started; ok is false when there is none.
func (s *State) InPlay() (level int, started time.Time, ok bool) {
	for id, l := range s.Levels {
		if l.StartedAt.IsZero() || l.LastPlayed.After(l.StartedAt) {
			continue
		}
		if !ok || l.StartedAt.After(started) {
			level, started, ok = id, l.StartedAt, true
		}
	}
	return level, started, ok
}
