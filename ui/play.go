package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/levels"
)

// dialog is the confirmation the play screen is asking for, if any.
type dialog int

const (
	dialogNone dialog = iota
	dialogHint
	dialogSolution
	dialogReset
	dialogLeave
)

// String implements fmt.Stringer.
func (d dialog) String() string {
	return [...]string{"none", "hint", "solution", "reset", "leave"}[d]
}

// drillState is where the level's drill stands.
type drillState int

const (
	drillIdle drillState = iota
	drillRunning
	drillFailed
	drillPassed
)

// String implements fmt.Stringer.
func (d drillState) String() string {
	return [...]string{"idle", "running", "failed", "passed"}[d]
}

// Messages of the play screen; each carries its screen so a stale one from
// an earlier attempt is dropped.
type (
	// watchStartedMsg hands over the verdict channel.
	watchStartedMsg struct {
		p  *playScreen
		ch <-chan play.Verdict
	}
	// tickMsg advances the elapsed clock.
	tickMsg struct{ p *playScreen }
	// shellDoneMsg says the player left the shell.
	shellDoneMsg struct {
		p   *playScreen
		Err error
	}
)

// drillRun is the drill's live state.
type drillRun struct {
	has     bool
	title   string
	state   drillState
	op      *operation
	steps   []drill.Step
	message string
	// rearm says a failing verdict was seen since the drill failed, so the
	// next passing one may run it again.
	rearm bool
}

// playScreen is the live checklist of a level being played.
type playScreen struct {
	c      *Common
	level  *levels.Level
	sess   Session
	ctx    context.Context
	cancel context.CancelFunc

	verdicts    <-chan play.Verdict
	verdict     play.Verdict
	haveVerdict bool
	started     time.Time

	hintsOpened    int
	solutionOpened bool
	resets         int
	dialog         dialog
	drill          drillRun
	resetOp        *operation
	reconnectOp    *operation
	// shellOp sets the player's identity up before the shell opens.
	shellOp *operation
	// opLog is the log of the running reset, reconnect or shell set-up.
	opLog *stepLog
	// downSince is when the API server stopped answering; zero while it answers.
	downSince time.Time
	// watchCancel stops the current watch, which a reconnect replaces.
	watchCancel context.CancelFunc
	completing  bool
	closed      bool
	notice      string
	// export is the line that points another terminal at the player's
	// identity, shown on its own line under the notice when no shell opens.
	export string

	notes notesState

	helpMD    string
	helpWidth int
	vp        viewport.Model
	w, h      int
}

// newPlayScreen returns the play screen of l, set up on sess.
func newPlayScreen(c *Common, l *levels.Level, sess Session) *playScreen {
	ctx, cancel := context.WithCancel(c.Ctx)
	p := &playScreen{c: c, level: l, sess: sess, ctx: ctx, cancel: cancel, started: c.Now()}
	p.drill.has, p.drill.title = sess.HasDrill()
	p.vp = viewport.New()
	p.vp.KeyMap = viewport.KeyMap{Up: c.Keys.Nav.Up, Down: c.Keys.Nav.Down, PageUp: c.Keys.Nav.PageUp, PageDown: c.Keys.Nav.PageDown}
	p.vp.MouseWheelDelta = 3
	return p
}

// Init starts watching and the clock.
func (p *playScreen) Init() tea.Cmd { return tea.Batch(p.watchCmd(), p.tickCmd()) }

// Close stops watching and any running drill or reset.
func (p *playScreen) Close() {
	p.closed = true
	p.cancel()
}

// SetSize implements page.
func (p *playScreen) SetSize(w, h int) {
	p.w, p.h = w, h
	p.layout()
}

// ShortHelp implements help.KeyMap.
func (p *playScreen) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.dialog != dialogNone {
		return []key.Binding{k.Confirm.Yes, k.Confirm.No}
	}
	if p.offerReconnect() {
		return []key.Binding{k.Play.Reconnect, k.Play.Reset, k.Play.Leave, k.Global.Help}
	}
	return []key.Binding{p.hintKey(), k.Play.Shell, k.Play.Reset, p.solutionKey(), k.Play.Leave, k.Global.Help}
}

// FullHelp implements help.KeyMap.
func (p *playScreen) FullHelp() [][]key.Binding {
	k := p.c.Keys
	if p.dialog != dialogNone {
		return [][]key.Binding{p.ShortHelp()}
	}
	return [][]key.Binding{
		{p.hintKey(), p.solutionKey(), k.Play.Shell},
		{k.Play.Reset, k.Play.Drill, k.Play.Leave},
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown},
		{k.Global.Help, k.Global.ForceQuit},
	}
}

// Update implements page.
func (p *playScreen) Update(msg tea.Msg) tea.Cmd {
	cmd := p.update(msg)
	p.layout()
	return cmd
}

// update routes msg; Update lays the screen out afterwards.
func (p *playScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case watchStartedMsg:
		return p.handleWatchStarted(msg)
	case verdictMsg:
		return p.handleVerdict(msg)
	case tickMsg:
		if msg.p != p || p.closed {
			return nil
		}
		return p.tickCmd()
	case opMsg:
		return p.handleOp(msg)
	case shellDoneMsg:
		return p.handleShellDone(msg)
	case observedMsg:
		p.handleObserved(msg)
		return nil
	case markdownMsg:
		p.handleMarkdown(msg)
		return nil
	case tea.WindowSizeMsg, tea.BackgroundColorMsg:
		return p.renderHelpCmd()
	case tea.KeyPressMsg:
		return p.handleKey(msg)
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		p.vp, cmd = p.vp.Update(msg)
		return cmd
	}
	if p.opLog != nil {
		return p.opLog.Update(msg)
	}
	return nil
}

// handleWatchStarted keeps the verdict channel and waits on it.
func (p *playScreen) handleWatchStarted(msg watchStartedMsg) tea.Cmd {
	if msg.p != p {
		return nil
	}
	p.verdicts = msg.ch
	return waitVerdict(p.verdicts)
}

// handleVerdict shows a verdict and, when every check passed, runs the drill
// or completes the level.
func (p *playScreen) handleVerdict(msg verdictMsg) tea.Cmd {
	if msg.ch != p.verdicts || p.closed {
		return nil
	}
	if msg.Closed {
		p.notice = "The checks stopped watching the cluster: press r to reset, or q to leave and start again."
		return nil
	}
	p.verdict, p.haveVerdict = msg.Verdict, true
	p.trackOutage(msg.Verdict)
	next := tea.Batch(waitVerdict(p.verdicts), p.noteVerdict(msg.Verdict))
	v := msg.Verdict
	if !v.Passed || v.Err != nil {
		p.drill.rearm = true
		return next
	}
	return tea.Batch(next, p.onPassed(false))
}

// onPassed moves on once every check passed: the drill, or completion.
// forced retries a failed drill at the player's request.
func (p *playScreen) onPassed(forced bool) tea.Cmd {
	if p.busy() != "" {
		return nil
	}
	if !p.drill.has {
		return p.completeCmd()
	}
	switch p.drill.state {
	case drillIdle:
		return p.drillCmd()
	case drillFailed:
		if forced || p.drill.rearm {
			return p.drillCmd()
		}
	case drillRunning, drillPassed:
	}
	return nil
}

// handleOp follows the drill, reset, reconnect and shell operations.
func (p *playScreen) handleOp(msg opMsg) tea.Cmd {
	switch msg.op {
	case nil:
		return nil
	case p.drill.op:
		return p.handleDrill(msg)
	case p.resetOp:
		return p.handleReset(msg)
	case p.reconnectOp:
		return p.handleReconnect(msg)
	case p.shellOp:
		return p.handleShell(msg)
	}
	return nil
}

// handleDrill shows a drill step or the drill's end.
func (p *playScreen) handleDrill(msg opMsg) tea.Cmd {
	if msg.Step != nil {
		p.drill.steps = append(p.drill.steps, *msg.Step)
		return p.drill.op.wait()
	}
	if !msg.Done {
		return p.drill.op.wait()
	}
	p.drill.op = nil
	res, _ := msg.Value.(drill.Result)
	if len(res.Steps) > 0 {
		p.drill.steps = res.Steps
	}
	p.drill.message = res.Message
	p.noteDrill(res)
	if msg.Err != nil || !res.Passed {
		p.drill.state, p.drill.rearm = drillFailed, false
		if p.drill.message == "" && msg.Err != nil {
			p.drill.message = msg.Err.Error()
		}
		return nil
	}
	p.drill.state = drillPassed
	return p.completeCmd()
}

// handleReset shows reset progress, and its end.
func (p *playScreen) handleReset(msg opMsg) tea.Cmd {
	if msg.Event != nil {
		p.opLog.Add(*msg.Event)
		return p.resetOp.wait()
	}
	p.opLog.Finish(msg.Err)
	p.resetOp = nil
	if msg.Err != nil {
		p.notice = "Reset failed: " + msg.Err.Error()
		return nil
	}
	p.resets++
	p.opLog = nil
	p.drill = drillRun{has: p.drill.has, title: p.drill.title}
	p.notice = "Level reset: the broken state is back."
	return nil
}

// handleShellDone notes how the shell ended.
func (p *playScreen) handleShellDone(msg shellDoneMsg) tea.Cmd {
	if msg.p != p {
		return nil
	}
	p.noteShell(false)
	p.notice = "Back from the shell."
	if msg.Err != nil {
		p.notice = "The shell ended with an error: " + msg.Err.Error()
	}
	return nil
}

// handleMarkdown keeps rendered hints and solution.
func (p *playScreen) handleMarkdown(msg markdownMsg) {
	if msg.Key != p.helpKey() || msg.Width != p.w {
		return
	}
	p.helpMD, p.helpWidth = msg.Out, msg.Width
	if msg.Err != nil {
		p.helpMD = p.helpSource()
	}
	p.layout()
	p.vp.GotoBottom()
}
