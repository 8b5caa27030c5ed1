package classroom

import (
	"context"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"

	"github.com/k8squest/k8squest/ui"
)

// The size of a terminal that reports none.
const defaultWidth, defaultHeight = 80, 24

// runTUI runs the session's Bubble Tea program over its terminal: the
// game for a learner, the board for the instructor.
func (s *Server) runTUI(st *session) int {
	m, b, err := s.model(st)
	if err != nil {
		fmt.Fprintf(st.sess.Stderr(), "k8squest: %v\n", err)
		return 1
	}
	// MakeOptions reads the colour profile from the client's environment
	// (TERM from the pty request, NO_COLOR and COLORTERM if sent), as a
	// local terminal would give it.
	opts := append(bubbletea.MakeOptions(st.sess),
		tea.WithInput(&idleReader{r: st.sess, touch: func() { st.touch(s.cfg.IdleTimeout) }}),
		tea.WithContext(st.ctx))
	if pty, _, _ := st.sess.Pty(); pty.Window.Width <= 0 || pty.Window.Height <= 0 {
		opts = append(opts, tea.WithWindowSize(defaultWidth, defaultHeight))
	}
	opts = append(opts, tea.WithFilter(filterMsg))
	p := tea.NewProgram(m, opts...)
	if hooks, ok := b.(Hooked); ok {
		go hooks.Attach(st.ctx, p.Send)
	}
	var resize func(width, height int)
	if sz, ok := b.(Sized); ok {
		resize = sz.Resize
	}
	run := bubbletea.MiddlewareWithProgramHandler(func(ssh.Session) *tea.Program { return p })
	run(func(ssh.Session) {})(s.teeWindows(st, resize))
	if msg := s.endMessage(st); msg != "" {
		fmt.Fprintf(st.sess.Stderr(), "\r\nk8squest: %s\r\n", msg)
		return 1
	}
	return 0
}

// filterMsg replaces wish's filter (a program option holds one): a
// suspend is answered at once, since there is no local shell to suspend
// to, and a window of no size, which `ssh -tt` without a terminal of its
// own reports, becomes 80×24, or the game would draw nothing.
func filterMsg(_ tea.Model, msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	case tea.WindowSizeMsg:
		if m.Width <= 0 || m.Height <= 0 {
			return tea.WindowSizeMsg{Width: defaultWidth, Height: defaultHeight}
		}
	}
	return msg
}

// Hooked is what the game Learners.Open returns may offer besides
// ui.Backend: the options of the learner's screen (the classroom report,
// the level to resume) and a feed of messages for the running program
// (the instructor's broadcasts).
type Hooked interface {
	// UIOptions are the options of the learner's game screen.
	UIOptions() ui.Options
	// Attach delivers messages to the learner's program with send until
	// ctx ends; the server calls it once the program exists.
	Attach(ctx context.Context, send func(tea.Msg))
}

// model is the program a terminal session runs, and the learner's game
// (nil for the instructor).
func (s *Server) model(st *session) (tea.Model, ui.Backend, error) {
	if st.role == roleInstructor {
		m, err := s.cfg.Instructor.Board(st.ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("open the board: %w", err)
		}
		return m, nil, nil
	}
	b, err := s.cfg.Learners.Open(st.ctx, st.name)
	if err != nil {
		return nil, nil, fmt.Errorf("open the game of %s: %w", st.name, err)
	}
	h, _ := b.(Hooked)
	opts := ui.Options{}
	if h != nil {
		opts = h.UIOptions()
	}
	return ui.New(st.ctx, b, opts), b, nil
}

// idleReader is the terminal's input; every key read is activity.
type idleReader struct {
	r     io.Reader
	touch func()
}

// Read implements io.Reader.
func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.touch()
	}
	return n, err
}
