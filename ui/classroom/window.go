package classroom

import (
	"errors"
	"runtime/debug"

	"charm.land/ssh"
)

// Sized is what the game Learners.Open returns may offer besides
// ui.Backend: it hears every size of the learner's terminal, the first
// one and each change, also while a shell holds the terminal and the
// program waits, so the shell's own terminal follows the window.
type Sized interface {
	// Resize tells the game the terminal is now width×height.
	Resize(width, height int)
}

// errResizePanic ends a session whose game panicked on a window change.
var errResizePanic = errors.New("the game failed on a window change")

// windowSession is a session whose window changes reach the game first
// and Bubble Tea after: wish's middleware reads them from Pty.
type windowSession struct {
	ssh.Session
	winch chan ssh.Window
}

// Pty implements ssh.Session: the window changes handed on.
func (w *windowSession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	pty, _, ok := w.Session.Pty()
	return pty, w.winch, ok
}

// teeWindows returns st's session with each window size told to resize
// (when not nil) as it comes. Bubble Tea gets the latest size it has not
// read yet, so a shell that pauses it holds neither the game's sizes nor
// the session's requests up. The copying ends with the session.
func (s *Server) teeWindows(st *session, resize func(width, height int)) ssh.Session {
	_, in, ok := st.sess.Pty()
	if !ok {
		return st.sess
	}
	w := &windowSession{Session: st.sess, winch: make(chan ssh.Window, 1)}
	go s.copyWindows(st, in, w, resize)
	return w
}

// copyWindows moves the window sizes from in to resize and w until the
// session ends; a panic in the game ends this session only.
func (s *Server) copyWindows(st *session, in <-chan ssh.Window, w *windowSession, resize func(width, height int)) {
	defer func() {
		if r := recover(); r != nil {
			s.cfg.Log.Error("panic on a window change", "name", st.name, "panic", r, "stack", string(debug.Stack()))
			st.cancel(errResizePanic)
		}
	}()
	for {
		select {
		case <-st.ctx.Done():
			return
		case win, ok := <-in:
			if !ok {
				return
			}
			if resize != nil {
				resize(windowSize(win.Width, win.Height))
			}
			w.handOn(win)
		}
	}
}

// handOn replaces the size Bubble Tea has not read yet with win. One
// goroutine sends, so after the drain the send finds room at once.
func (w *windowSession) handOn(win ssh.Window) {
	select {
	case <-w.winch:
	default:
	}
	w.winch <- win
}

// windowSize is a window's size, 80×24 for one that reports none.
func windowSize(width, height int) (int, int) {
	if width <= 0 || height <= 0 {
		return defaultWidth, defaultHeight
	}
	return width, height
}
