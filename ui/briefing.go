package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/levels"
)

// briefing shows a level before it starts: title, concept, difficulty, XP,
// namespace and the briefing markdown. enter sets the broken state up and
// starts the level; esc goes back to the map.
type briefing struct {
	c     *Common
	level *levels.Level
	sess  Session
	vp    viewport.Model
	// renderedFor is the width the shown markdown was rendered for; 0 until
	// the first render arrives.
	renderedFor int
	op          *operation
	log         *stepLog
	w, h        int
}

// sessionMsg is the result of Backend.Open for the briefing of level.
type sessionMsg struct {
	level   *levels.Level
	Session Session
	Err     error
}

// newBriefing returns the briefing of l, its texts expanded for the default namespace.
func newBriefing(c *Common, l *levels.Level) *briefing {
	b := &briefing{c: c, level: l.WithNamespace(""), vp: newViewport(c)}
	b.vp.SetContent(c.Styles.Subtle.Render("Rendering the briefing…"))
	return b
}

// newViewport returns a viewport styled for markdown.
func newViewport(c *Common) viewport.Model {
	vp := viewport.New()
	vp.Style = c.Styles.Viewport
	vp.KeyMap.Left.SetEnabled(false)
	vp.KeyMap.Right.SetEnabled(false)
	vp.MouseWheelDelta = 3
	return vp
}

// Init opens the session, to learn the namespace, and renders the briefing.
func (b *briefing) Init() tea.Cmd { return tea.Batch(b.openCmd(), b.renderCmd()) }

// SetSize implements page.
func (b *briefing) SetSize(w, h int) {
	b.w, b.h = w, h
	b.vp.Style = b.c.Styles.Viewport
	b.vp.SetWidth(w)
	b.vp.SetHeight(max(h-lipgloss.Height(b.headerView()), 3))
}

// ShortHelp implements help.KeyMap.
func (b *briefing) ShortHelp() []key.Binding {
	k := b.c.Keys
	if b.op != nil {
		return []key.Binding{k.Global.ForceQuit}
	}
	return []key.Binding{with(k.Nav.Enter, "enter", "start level"), with(k.Global.Back, "esc", "back to map"), k.Nav.Down, k.Global.Help}
}

// FullHelp implements help.KeyMap.
func (b *briefing) FullHelp() [][]key.Binding {
	k := b.c.Keys
	return [][]key.Binding{
		{with(k.Nav.Enter, "enter", "start level"), with(k.Global.Back, "esc", "back to map")},
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown},
		{k.Global.Help, k.Global.ForceQuit},
	}
}

// Update implements page.
func (b *briefing) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sessionMsg:
		return b.handleSession(msg)
	case markdownMsg:
		if msg.Key == b.mdKey() && msg.Width == b.contentWidth() {
			b.setRendered(msg)
		}
		return nil
	case opMsg:
		return b.handleOp(msg)
	case tea.KeyPressMsg:
		return b.handleKey(msg)
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		b.vp, cmd = b.vp.Update(msg)
		return cmd
	case tea.WindowSizeMsg, tea.BackgroundColorMsg:
		return b.renderCmd()
	}
	if b.log != nil {
		return b.log.Update(msg)
	}
	return nil
}

// handleSession keeps the opened session and re-renders for its namespace.
func (b *briefing) handleSession(msg sessionMsg) tea.Cmd {
	if msg.level.ID != b.level.ID {
		return nil
	}
	if msg.Err != nil {
		return errorCmd(fmt.Sprintf("open level %d", b.level.ID), msg.Err)
	}
	b.sess = msg.Session
	b.level = b.level.WithNamespace(msg.Session.Namespace())
	if bound, ok := msg.Session.(boundSession); ok && bound.Level() != nil {
		b.level = bound.Level()
	}
	return b.renderCmd()
}

// boundSession is a Session that bound its level to the cluster (the
// player's own node ports): the briefing and the play screen show the
// level's texts as bound.
type boundSession interface{ Level() *levels.Level }

// setRendered shows a rendered briefing.
func (b *briefing) setRendered(msg markdownMsg) {
	if msg.Err != nil {
		b.vp.SetContent(b.level.Briefing)
	} else {
		b.vp.SetContent(msg.Out)
	}
	b.renderedFor = msg.Width
}

// handleKey starts the level, goes back or scrolls.
func (b *briefing) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if b.op != nil {
		return nil
	}
	k := b.c.Keys
	switch {
	case key.Matches(msg, k.Nav.Enter):
		return b.startCmd()
	case key.Matches(msg, k.Global.Back):
		return send(showMapMsg{})
	case key.Matches(msg, k.Global.Quit):
		return tea.Quit
	}
	var cmd tea.Cmd
	b.vp, cmd = b.vp.Update(msg)
	return cmd
}

// handleOp follows the setup operation.
func (b *briefing) handleOp(msg opMsg) tea.Cmd {
	if msg.op != b.op {
		return nil
	}
	if msg.Event != nil {
		b.log.Add(*msg.Event)
		return b.op.wait()
	}
	b.log.Finish(msg.Err)
	b.op = nil
	if msg.Err != nil {
		return errorCmd(fmt.Sprintf("set up level %d", b.level.ID), msg.Err)
	}
	d := msg.Value.(setupDone)
	return send(startPlayMsg{Level: b.level, Session: d.s, Broken: d.broken})
}

// View implements page.
func (b *briefing) View() string {
	if b.op != nil {
		st := b.c.Styles
		body := b.log.View(b.w-st.Box.GetHorizontalFrameSize(), b.vp.Height()-st.Box.GetVerticalFrameSize())
		return lipgloss.JoinVertical(lipgloss.Left, b.headerView(), st.Box.Width(b.w).Render(body))
	}
	return lipgloss.JoinVertical(lipgloss.Left, b.headerView(), b.vp.View())
}

// headerView shows the level's title, concept, difficulty, XP and namespace.
func (b *briefing) headerView() string {
	st := b.c.Styles
	l := b.level
	meta := st.Subtle.Render(fmt.Sprintf("%s · ", l.Difficulty)) + st.XPTotal.Render(fmt.Sprintf("%d XP", l.XP)) +
		st.Subtle.Render(" · namespace ") + st.Accent.Render(b.namespace())
	return lipgloss.JoinVertical(lipgloss.Left,
		levelHeader(b.c, l, fmt.Sprintf("World %d · %s", l.World, levels.Worlds[l.World]), b.w),
		st.Text.Italic(true).Render(wrap(l.Concept, b.w)),
		meta,
	)
}

// namespace is where the level will run.
func (b *briefing) namespace() string {
	if b.sess != nil {
		return b.sess.Namespace()
	}
	return b.level.Namespace
}

// mdKey tags this briefing's markdown renders.
func (b *briefing) mdKey() string { return fmt.Sprintf("briefing-%d", b.level.ID) }

// renderCmd renders the briefing for the viewport's current width.
func (b *briefing) renderCmd() tea.Cmd {
	w := b.vp.Width()
	if w <= 0 {
		return nil
	}
	return renderMarkdownCmd(b.mdKey(), b.level.Briefing, b.contentWidth(), b.c.Styles.Dark)
}

// contentWidth is the width inside the viewport's frame.
func (b *briefing) contentWidth() int { return b.vp.Width() - b.vp.Style.GetHorizontalFrameSize() }

// openCmd opens the level's session.
func (b *briefing) openCmd() tea.Cmd {
	l := b.level
	return func() tea.Msg {
		s, err := b.c.Backend.Open(b.c.Ctx, l)
		return sessionMsg{level: l, Session: s, Err: err}
	}
}

// startCmd sets the broken state up, records the attempt and starts playing.
func (b *briefing) startCmd() tea.Cmd {
	b.log = newStepLog(b.c, fmt.Sprintf("Breaking level %d", b.level.ID))
	b.op = newOperation(b.c.Ctx)
	return tea.Batch(b.op.start(b.setupOp(b.sess, b.level, b.c.removing)), b.log.Tick())
}

// setupOp is the start operation: wait for the last level's removal, open
// when needed, Setup, then Started.
func (b *briefing) setupOp(s Session, l *levels.Level, removing <-chan struct{}) opFunc {
	return func(ctx context.Context, rep cluster.Reporter) (any, error) {
		if err := waitRemoval(ctx, removing, rep); err != nil {
			return nil, err
		}
		s, err := setupLevel(ctx, b.c.Backend, s, l, rep)
		if err != nil {
			return nil, err
		}
		return setupDone{s: s, broken: observeSetup(ctx, s)}, nil
	}
}

// waitRemoval waits until the removal of the last finished level has
// ended: it may delete namespaces this level is about to create.
func waitRemoval(ctx context.Context, removing <-chan struct{}, rep cluster.Reporter) error {
	if removing == nil {
		return nil
	}
	select {
	case <-removing:
		return nil
	default:
	}
	step := "wait for the last level's removal to finish"
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	select {
	case <-removing:
		rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
		return nil
	case <-ctx.Done():
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: "cancelled"})
		return ctx.Err()
	}
}

// setupLevel opens l when s is nil, sets it up and records the attempt.
// The attempt is recorded only once Setup returned without error and the
// context is still live: a set-up cut short by Ctrl+C or by leaving is
// not an attempt.
func setupLevel(ctx context.Context, be Backend, s Session, l *levels.Level, rep cluster.Reporter) (Session, error) {
	if s == nil {
		var err error
		if s, err = be.Open(ctx, l); err != nil {
			return nil, err
		}
	}
	if err := s.Setup(ctx, rep); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := be.Started(l); err != nil {
		return nil, fmt.Errorf("record the attempt: %w", err)
	}
	return s, nil
}
