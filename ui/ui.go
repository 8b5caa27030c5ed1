// Package ui is k8squest's terminal interface: the cluster boot, the world
// map, briefings, the live checklist of a level being played, results and
// debriefs. It talks to the game only through Backend and Session.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/levels"
)

// Options configures Run.
type Options struct {
	// StartLevel opens that level's briefing once the cluster is up; 0 opens
	// the title screen and world map.
	StartLevel int
	// Resume, in classroom mode, is the level the learner left in play:
	// once the cluster is up the game goes straight back to it, as the
	// learner left it (nothing is set up again), with its clock running
	// from when it was started. It wins over StartLevel.
	Resume Resume
	// Input and Output default to the terminal.
	Input  io.Reader
	Output io.Writer
	// NoColor turns colours off; NO_COLOR in the environment does too.
	NoColor bool
	// Report, in classroom mode, is told what the learner does: each
	// level started, change of the checks' statuses, hint or solution
	// opened, completion and (at most every 10 s) activity. Learner is
	// left empty for the caller to fill; it is called on the UI's loop,
	// so it must not block (classroom.Hub.Publish does not).
	Report func(classroom.Event)
}

// Resume is a level in play to go back to.
type Resume struct {
	// Level is the level's number; 0 resumes nothing.
	Level int
	// Started is when the level was started.
	Started time.Time
}

// ErrInterrupted is what Run returns when the player pressed Ctrl+C: the
// command exits as cancelled (130), not as a normal quit.
var ErrInterrupted = errors.New("interrupted with ctrl+c")

// Run runs the game's interface until the player quits or ctx ends.
func Run(ctx context.Context, b Backend, opts Options) error {
	m := New(ctx, b, opts)
	return runProgram(ctx, m, opts.Input, opts.Output, opts.NoColor, m.cancel, "the interface")
}

// screen names the screen on show.
type screen int

const (
	screenBoot screen = iota
	screenMap
	screenBriefing
	screenPlay
	screenResult
	screenDebrief
	screenError
)

// String implements fmt.Stringer.
func (s screen) String() string {
	return [...]string{"boot", "map", "briefing", "play", "result", "debrief", "error"}[s]
}

// Model is the root Bubble Tea model: it owns the screens, routes messages
// and draws the frame and the help footer.
type Model struct {
	c *Common
	// cancel ends c.Ctx, and with it every operation still running, when
	// the player quits.
	cancel context.CancelFunc
	opts   Options
	screen screen
	booted bool
	help   help.Model

	boot     *boot
	world    *worldMap
	briefing *briefing
	play     *playScreen
	result   *result
	debrief  *debrief
	errs     *errorScreen
	// finished is the completed level, removed from the cluster once the
	// player goes back to the map.
	finished      Session
	finishedLevel *levels.Level
	// removal is the background teardown of the last finished level.
	removal *removal
	// banner is the instructor's latest broadcast, in classroom mode.
	banner banner
	// report tells the classroom what the learner does.
	report reporter
}

// New returns the root model; Run calls it, tests drive it directly.
func New(ctx context.Context, b Backend, opts Options) *Model {
	ctx, cancel := context.WithCancel(ctx)
	c := &Common{Ctx: ctx, Backend: b, Styles: NewStyles(true), Keys: DefaultKeyMap(), Now: time.Now}
	m := &Model{c: c, cancel: cancel, opts: opts, help: help.New(), report: reporter{fn: opts.Report}}
	m.help.Styles = c.Styles.Help
	m.boot = newBoot(c)
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.boot.Init())
}

// active returns the screen on show.
func (m *Model) active() page {
	switch m.screen {
	case screenBoot:
		return m.boot
	case screenMap:
		return m.world
	case screenBriefing:
		return m.briefing
	case screenPlay:
		return m.play
	case screenResult:
		return m.result
	case screenDebrief:
		return m.debrief
	case screenError:
		return m.errs
	}
	return nil
}

// pages returns every live screen, for broadcasts.
func (m *Model) pages() []page {
	var ps []page
	for _, p := range []page{m.boot, m.world, m.briefing, m.play, m.result, m.debrief, m.errs} {
		if p != nil && !isNilPage(p) {
			ps = append(ps, p)
		}
	}
	return ps
}

// isNilPage reports whether p holds a nil screen pointer.
func isNilPage(p page) bool {
	switch s := p.(type) {
	case *boot:
		return s == nil
	case *worldMap:
		return s == nil
	case *briefing:
		return s == nil
	case *playScreen:
		return s == nil
	case *result:
		return s == nil
	case *debrief:
		return s == nil
	case *errorScreen:
		return s == nil
	}
	return false
}

// update is the game's Update, before the classroom report (report.go).
func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.resize()
		return m, m.broadcast(msg)
	case tea.BackgroundColorMsg:
		m.restyle(msg.IsDark())
		return m, m.broadcast(msg)
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		return m, m.active().Update(msg)
	case BroadcastMsg:
		cmd := m.banner.show(msg)
		m.resize()
		return m, cmd
	case bannerExpiredMsg:
		m.banner.expire(msg)
		m.resize()
		return m, nil
	}
	if cmd, ok := m.navigate(msg); ok {
		return m, cmd
	}
	cmd := tea.Batch(m.broadcast(msg), m.removal.Update(msg))
	if m.removal != nil && m.removal.quitAfter && m.removal.ended {
		return m, tea.Quit
	}
	return m, cmd
}

// handleKey handles the global keys and passes the rest to the screen.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.c.Keys.Global.ForceQuit):
		// Ctrl+C cancels whatever runs and ends the game as interrupted.
		m.closePlay()
		m.cancel()
		return tea.Interrupt
	case m.screen == screenMap && key.Matches(msg, m.c.Keys.Global.Quit) && m.removal.wait() != nil:
		// Quitting now would leave the level half removed.
		m.removal.quitAfter = true
		return nil
	case key.Matches(msg, m.c.Keys.Global.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
		return nil
	}
	return m.active().Update(msg)
}

// broadcast passes msg to every live screen; each ignores what is not its own.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.pages() {
		cmds = append(cmds, p.Update(msg))
	}
	return tea.Batch(cmds...)
}

// restyle rebuilds the styles for the terminal's background.
func (m *Model) restyle(dark bool) {
	if dark == m.c.Styles.Dark {
		return
	}
	m.c.Styles = NewStyles(dark)
	m.help.Styles = m.c.Styles.Help
	m.resize()
}

// resize gives every screen the area left by the frame and the footer.
func (m *Model) resize() {
	st := m.c.Styles
	w := max(m.c.Width-st.App.GetHorizontalFrameSize(), 10)
	m.help.SetWidth(w)
	footer := lipgloss.Height(m.footerView())
	h := max(m.c.Height-st.App.GetVerticalFrameSize()-footer-1-m.banner.height(st, w), 5)
	for _, p := range m.pages() {
		p.SetSize(w, h)
	}
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	st := m.c.Styles
	body := m.active().View()
	w := max(m.c.Width-st.App.GetHorizontalFrameSize(), 10)
	top := m.banner.view(st, w)
	h := max(m.c.Height-st.App.GetVerticalFrameSize()-lipgloss.Height(m.footerView())-m.banner.height(st, w), 1)
	body = st.Page.Height(h).MaxHeight(h).Render(body)
	if top != "" {
		body = top + "\n" + body
	}
	v := tea.NewView(st.App.Render(body + "\n" + m.footerView()))
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = m.title()
	return v
}

// footerView is the help bar.
func (m *Model) footerView() string { return m.help.View(m.active()) }

// title is the terminal window's title.
func (m *Model) title() string {
	if m.screen == screenPlay && m.play != nil {
		return fmt.Sprintf("k8squest · level %d", m.play.level.ID)
	}
	return "k8squest"
}
