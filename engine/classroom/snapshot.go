package classroom

import "time"

// Snapshot is the whole workshop at one moment.
type Snapshot struct {
	Workshop string `json:"workshop"`
	// Seq grows with every change; a subscriber never sees it go down.
	Seq uint64 `json:"seq"`
	// At is when the snapshot was taken, for TimeOnLevel.
	At time.Time `json:"at"`
	// Ended says the workshop was ended.
	Ended bool `json:"ended"`
	// Message is the latest broadcast, nil before the first.
	Message *Message `json:"message,omitempty"`
	// Rows are the learners, sorted by name.
	Rows []Row `json:"learners"`
}

// Row returns the learner's row.
func (s Snapshot) Row(name string) (Row, bool) {
	for _, r := range s.Rows {
		if r.Name == name {
			return r, true
		}
	}
	return Row{}, false
}

// Connected counts the learners with an open session.
func (s Snapshot) Connected() int {
	n := 0
	for _, r := range s.Rows {
		if r.Connected {
			n++
		}
	}
	return n
}
