package workshop

import (
	"log"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/levels"
)

// publish gives the hub one event of learner name.
func (w *Workshop) publish(name string, e classroom.Event) {
	e.Learner = name
	if err := w.hub.Publish(e); err != nil {
		log.Printf("classroom event: %v", err)
	}
}

// levelStarted is the event of level l set up at started.
func levelStarted(l *levels.Level, started time.Time) classroom.Event {
	cs := make([]classroom.Check, len(l.Checks))
	for i, c := range l.Checks {
		cs[i] = classroom.Check{ID: c.ID, Title: c.Title, Status: check.Pending}
	}
	return classroom.Event{Kind: classroom.LevelStarted, Level: l.ID, Started: started, Checks: cs}
}

// verdict is the event of a verdict of level.
func verdict(level int, rs []check.Result) classroom.Event {
	return classroom.Event{Kind: classroom.Verdict, Level: level, Checks: classroom.ChecksOf(rs)}
}

// Connected implements room.Presence.
func (w *Workshop) Connected(name string) {
	w.publish(name, classroom.Event{Kind: classroom.Connected})
}

// Disconnected implements room.Presence.
func (w *Workshop) Disconnected(name string) {
	w.publish(name, classroom.Event{Kind: classroom.Disconnected})
}
