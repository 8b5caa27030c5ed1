package classroom

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"charm.land/ssh"
)

// Why a session was ended by the server; context.Cause tells.
var (
	errIdle       = errors.New("idle")
	errMaxSession = errors.New("maximum session length reached")
	errReplaced   = errors.New("replaced by a newer session")
)

// session is one open SSH session.
type session struct {
	sess   ssh.Session
	role   role
	name   string
	tui    bool
	ctx    context.Context
	cancel context.CancelCauseFunc
	idle   *time.Timer
	maxT   *time.Timer
}

// touch tells the session a key was pressed.
func (st *session) touch(d time.Duration) {
	if st.idle != nil {
		st.idle.Reset(d)
	}
}

// handle is the ssh.Handler of every session.
func (s *Server) handle(sess ssh.Session) {
	defer s.recoverSession(sess)
	r, name, err := whoIs(sess)
	if err != nil {
		s.cfg.Log.Error("session without identity", "remote", sess.RemoteAddr().String(), "err", err)
		fail(sess, 1, "%v", err)
		return
	}
	_, _, hasPty := sess.Pty()
	st, err := s.admit(sess, r, name, hasPty && len(sess.Command()) == 0)
	if err != nil {
		fail(sess, 1, "%v", err)
		return
	}
	defer s.release(st)
	_ = sess.Exit(s.serve(st))
}

// serve runs the session and returns its exit status.
func (s *Server) serve(st *session) int {
	if args := st.sess.Command(); len(args) > 0 {
		return s.runCommand(st, args)
	}
	if !st.tui {
		fmt.Fprintf(st.sess.Stderr(), "k8squest: no terminal: connect with ssh -t to play, or run one of:\n%s\n", commandsHelp(st.role))
		return 2
	}
	return s.runTUI(st)
}

// recoverSession turns a panic in one session into a logged error and an
// exit status of 1 for that session only.
func (s *Server) recoverSession(sess ssh.Session) {
	r := recover()
	if r == nil {
		return
	}
	s.cfg.Log.Error("panic in a session", "user", sess.User(), "remote", sess.RemoteAddr().String(), "panic", r, "stack", string(debug.Stack()))
	fail(sess, 1, "internal error in this session (the server logged it and goes on); connect again")
}

// admit registers a session, applying the cap on learners' sessions and
// starting its timers; a learner's new terminal session replaces their
// older one. Presence hears of a learner's first session.
func (s *Server) admit(sess ssh.Session, r role, name string, tui bool) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r == roleLearner && s.learnerSessionsLocked() >= s.cfg.MaxSessions {
		s.cfg.Log.Warn("session cap reached", "name", name, "max", s.cfg.MaxSessions)
		return nil, fmt.Errorf("the classroom is full: %d sessions are open, the most this server takes; try again in a moment", s.cfg.MaxSessions)
	}
	ctx, cancel := context.WithCancelCause(sess.Context())
	st := &session{sess: sess, role: r, name: name, tui: tui, ctx: ctx, cancel: cancel}
	st.maxT = time.AfterFunc(s.cfg.MaxSession, func() { cancel(errMaxSession) })
	if tui {
		st.idle = time.AfterFunc(s.cfg.IdleTimeout, func() { cancel(errIdle) })
		s.replaceLocked(st)
	}
	s.live[st] = struct{}{}
	if r == roleLearner {
		if s.perName[name]++; s.perName[name] == 1 && s.cfg.Presence != nil {
			s.cfg.Presence.Connected(name)
		}
	}
	return st, nil
}

// replaceLocked ends the learner's older terminal session, if any: one
// learner plays in one terminal, and a dropped connection must not keep
// the game from a learner who reconnected.
func (s *Server) replaceLocked(st *session) {
	if st.role != roleLearner {
		return
	}
	if old := s.tui[st.name]; old != nil {
		old.cancel(errReplaced)
	}
	s.tui[st.name] = st
}

// release unregisters a session; Presence hears of a learner's last one.
func (s *Server) release(st *session) {
	st.maxT.Stop()
	if st.idle != nil {
		st.idle.Stop()
	}
	st.cancel(context.Canceled)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, st)
	if s.tui[st.name] == st {
		delete(s.tui, st.name)
	}
	if st.role != roleLearner {
		return
	}
	if s.perName[st.name]--; s.perName[st.name] == 0 {
		delete(s.perName, st.name)
		if s.cfg.Presence != nil {
			s.cfg.Presence.Disconnected(st.name)
		}
	}
}

// learnerSessionsLocked counts the learners' open sessions.
func (s *Server) learnerSessionsLocked() int {
	n := 0
	for _, c := range s.perName {
		n += c
	}
	return n
}

// endMessage says why the server ended a session, or "" if it did not.
func (s *Server) endMessage(st *session) string {
	switch cause := context.Cause(st.ctx); {
	case errors.Is(cause, errIdle):
		return fmt.Sprintf("disconnected after %s without a key pressed; your level and clock are kept: connect again to go on", s.cfg.IdleTimeout)
	case errors.Is(cause, errMaxSession):
		return fmt.Sprintf("this session reached the longest a session may last, %s; your level and clock are kept: connect again to go on", s.cfg.MaxSession)
	case errors.Is(cause, errReplaced):
		return "you connected again from another terminal, and the game moved there"
	case errors.Is(cause, errResizePanic):
		return "internal error on a window change (the server logged it and goes on); connect again"
	}
	return ""
}

// whoIs reads the identity authentication left on the connection.
func whoIs(sess ssh.Session) (role, string, error) {
	perms := sess.Permissions()
	ext := perms.Extensions
	name := ext[extName]
	switch ext[extRole] {
	case roleInstructor.String():
		return roleInstructor, name, nil
	case roleLearner.String():
		return roleLearner, name, nil
	}
	return 0, "", errors.New("this connection carries no k8squest identity")
}

// fail writes a message to the session's standard error and exits.
func fail(sess ssh.Session, code int, format string, args ...any) {
	fmt.Fprintf(sess.Stderr(), "k8squest: "+format+"\n", args...)
	_ = sess.Exit(code)
}
