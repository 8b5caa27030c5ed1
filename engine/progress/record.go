package progress

import "github.com/k8squest/k8squest/engine/fieldnotes"

// Start records that a level was started.
func (s *Store) Start(level int) (State, string, error) {
	return s.Update(func(st *State) error {
		l := st.level(level)
		l.Attempts++
		l.LastPlayed = s.now()
		l.StartedAt = l.LastPlayed
		return nil
	})
}

// Completion is one completed attempt.
type Completion struct {
	Level     int
	XP        int
	Seconds   int
	HintsUsed int
	Solution  bool
	// Notes are this play's field notes; nil keeps the previous ones.
	Notes *fieldnotes.Notes
}

// Complete records a completion. The level's XP only ever rises to the best
// result, so replaying never pays twice.
func (s *Store) Complete(c Completion) (Award, State, string, error) {
	var a Award
	st, notice, err := s.Update(func(st *State) error {
		l := st.level(c.Level)
		a = Award{Earned: c.XP, FirstTime: !l.Completed}
		if c.XP > l.BestXP {
			a.Gained = c.XP - l.BestXP
			l.BestXP = c.XP
			l.HintsUsed, l.Solution = c.HintsUsed, c.Solution
		}
		if l.BestSeconds == 0 || (c.Seconds > 0 && c.Seconds < l.BestSeconds) {
			l.BestSeconds = c.Seconds
		}
		if !l.Completed {
			l.FirstDone = s.now()
		}
		if c.Notes != nil {
			l.Notes = c.Notes
		}
		l.Completed = true
		l.Completions++
		l.LastPlayed = s.now()
		return nil
	})
	return a, st, notice, err
}

func (st *State) level(id int) *Level {
	if st.Levels == nil {
		st.Levels = map[int]*Level{}
	}
	l := st.Levels[id]
	if l == nil {
		l = &Level{}
		st.Levels[id] = l
	}
	return l
}
