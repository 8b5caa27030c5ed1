package game

import (
	"context"
	"fmt"

	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/levels"
)

// Session is one level being played on the game's cluster: a play.Session
// with what the game's screen asks besides.
type Session struct {
	*play.Session
	level *levels.Level
}

// Open binds level l to its namespace on the connected cluster. It creates
// nothing: the Session's Setup does.
func (x *Game) Open(ctx context.Context, l *levels.Level) (*Session, error) {
	c, r := x.connection()
	if c == nil {
		return nil, fmt.Errorf("open level %d: %w", l.ID, ErrNotConnected)
	}
	l, err := x.Bind(ctx, l)
	if err != nil {
		return nil, err
	}
	spec, err := l.Spec(l.Namespace)
	if err != nil {
		return nil, fmt.Errorf("level %d: %w", l.ID, err)
	}
	s, err := play.New(c, spec, r)
	if err != nil {
		return nil, err
	}
	return &Session{Session: s, level: l}, nil
}

// HasDrill says whether the level has a drill, and its title.
func (s *Session) HasDrill() (bool, string) {
	if d := s.Spec().Drill; d != nil {
		return true, d.Title
	}
	return false, ""
}
