package workshop

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/levels/game"
	"github.com/k8squest/k8squest/ui"
	room "github.com/k8squest/k8squest/ui/classroom"
)

// learner is one learner's game as their SSH session's screen sees it:
// the game, its classroom report and the instructor's broadcasts.
type learner struct {
	*game.Game
	w    *Workshop
	name string
}

var (
	_ ui.Backend  = (*learner)(nil)
	_ room.Hooked = (*learner)(nil)
	_ room.Sized  = (*learner)(nil)
)

// Open implements ui.Backend.
func (b *learner) Open(ctx context.Context, l *levels.Level) (ui.Session, error) {
	s, err := b.Game.Open(ctx, l)
	if err != nil {
		return nil, err
	}
	return &gatedSession{Session: s, gate: b.w.setups}, nil
}

// gatedSession is a level being played whose set-ups and resets pass the
// workshop's set-up gate.
type gatedSession struct {
	*game.Session
	gate gate
}

// Setup implements ui.Session.
func (s *gatedSession) Setup(ctx context.Context, rep cluster.Reporter) error {
	return s.gate.do(ctx, rep, func() error { return s.Session.Setup(ctx, rep) })
}

// Reset implements ui.Session.
func (s *gatedSession) Reset(ctx context.Context, rep cluster.Reporter) error {
	return s.gate.do(ctx, rep, func() error { return s.Session.Reset(ctx, rep) })
}

// UIOptions implements room.Hooked: the report to the hub, and the level
// the learner left in play.
func (b *learner) UIOptions() ui.Options {
	o := ui.Options{Report: func(e classroom.Event) { b.w.publish(b.name, e) }}
	if st, err := b.Progress(); err == nil {
		if id, started, ok := st.InPlay(); ok {
			o.Resume = ui.Resume{Level: id, Started: started}
		}
	}
	return o
}

// Attach implements room.Hooked: each broadcast becomes a banner.
func (b *learner) Attach(ctx context.Context, send func(tea.Msg)) {
	sub := b.w.hub.Messages(ctx)
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-sub.C():
			if !ok {
				return
			}
			send(ui.BroadcastMsg{Text: m.Text, At: m.At})
		}
	}
}

// Resize implements room.Sized: the learner's shell pod follows their
// terminal's size.
func (b *learner) Resize(width, height int) {
	if rs := b.Game.Options().RemoteShell; rs != nil && rs.Sizes != nil {
		rs.Sizes.Resize(width, height)
	}
}
