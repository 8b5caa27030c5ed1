package ui

import (
	"context"
	"io"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/classroom"
)

// Classroom is what the instructor's board needs from the workshop: its live
// state and the instructor's actions. The SSH server passes the real one
// (the classroom.Hub and the game's reset and end); tests pass a fake.
type Classroom interface {
	// Subscribe returns the workshop's snapshots: the current one at once,
	// then the latest after each change (a slow reader skips to the
	// newest). The channel closes when ctx ends.
	Subscribe(ctx context.Context) <-chan classroom.Snapshot
	// Reset sets the learner's level up again from its broken state, as
	// `reset NAME LEVEL` does; their clock keeps running.
	Reset(ctx context.Context, learner string, level int) error
	// Broadcast shows text as a banner in every learner's game.
	Broadcast(ctx context.Context, text string) error
	// End ends the workshop: it removes every learner's namespace and
	// identity and returns the summary to show.
	End(ctx context.Context) (summary string, err error)
}

// BoardOptions configures RunBoard.
type BoardOptions struct {
	// Input and Output default to the terminal.
	Input  io.Reader
	Output io.Writer
	// NoColor turns colours off; NO_COLOR in the environment does too.
	NoColor bool
}

// RunBoard runs the instructor's board until they quit or ctx ends.
func RunBoard(ctx context.Context, c Classroom, opts BoardOptions) error {
	b := NewBoard(ctx, c)
	return runProgram(ctx, b, opts.Input, opts.Output, opts.NoColor, b.cancel, "the board")
}

// boardMode is what the board's keys act on.
type boardMode int

const (
	modeList boardMode = iota
	modeFilter
	modeChecklist
	modeCompose
	modeConfirm
	modeEnded
)

// Messages of the board.
type (
	// snapshotMsg is a snapshot read from ch.
	snapshotMsg struct {
		ch   <-chan classroom.Snapshot
		Snap classroom.Snapshot
	}
	// snapshotsClosedMsg says the subscription ended.
	snapshotsClosedMsg struct{}
	// boardTickMsg moves the clocks on.
	boardTickMsg struct{}
	// actionDoneMsg is the end of an instructor's action.
	actionDoneMsg struct {
		What    string
		Summary string
		Err     error
	}
)

// Board is the instructor's live board, a Bubble Tea model of its own: one
// row per learner, sorted and filtered; a learner's checklist; the
// confirmed actions reset, broadcast and end.
type Board struct {
	c      *Common
	cancel context.CancelFunc
	room   Classroom
	keys   *BoardKeys
	help   help.Model

	snap    classroom.Snapshot
	live    bool
	mode    boardMode
	sort    boardSort
	filter  string
	cursor  string // the selected learner's name
	offset  int    // the first row shown
	compose string // the broadcast being written
	confirm *confirmation
	busy    string // the action running, "" when none
	status  string
	failed  bool
	summary string
}

// NewBoard returns the board's model; RunBoard runs it, the SSH server and
// tests drive it directly.
func NewBoard(ctx context.Context, c Classroom) *Board {
	ctx, cancel := context.WithCancel(ctx)
	com := &Common{Ctx: ctx, Styles: NewStyles(true), Keys: DefaultKeyMap(), Now: time.Now}
	b := &Board{c: com, cancel: cancel, room: c, keys: DefaultBoardKeys(), help: help.New()}
	b.help.Styles = com.Styles.Help
	return b
}

// WithClock makes the board tell time by now (times on level, "ago"),
// for a screen that must come out the same every time, as a golden's.
func (b *Board) WithClock(now func() time.Time) *Board {
	b.c.Now = now
	return b
}

// Init implements tea.Model.
func (b *Board) Init() tea.Cmd {
	ch := b.room.Subscribe(b.c.Ctx)
	return tea.Batch(tea.RequestBackgroundColor, waitSnapshot(ch), b.tick())
}

// waitSnapshot reads the next snapshot from ch.
func waitSnapshot(ch <-chan classroom.Snapshot) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return snapshotsClosedMsg{}
		}
		return snapshotMsg{ch: ch, Snap: s}
	}
}

// tick asks for a redraw each second, so clocks and "ago" move.
func (b *Board) tick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return boardTickMsg{} })
}

// Update implements tea.Model.
func (b *Board) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		b.c.Width, b.c.Height = msg.Width, msg.Height
		b.help.SetWidth(max(msg.Width-b.c.Styles.App.GetHorizontalFrameSize(), 10))
	case tea.BackgroundColorMsg:
		b.c.Styles = NewStyles(msg.IsDark())
		b.help.Styles = b.c.Styles.Help
	case snapshotMsg:
		b.snap, b.live = msg.Snap, true
		b.keepCursor()
		return b, waitSnapshot(msg.ch)
	case snapshotsClosedMsg:
		b.live = false
	case boardTickMsg:
		return b, b.tick()
	case actionDoneMsg:
		b.actionDone(msg)
	case tea.KeyPressMsg:
		return b, b.handleKey(msg)
	case tea.PasteMsg:
		switch b.mode {
		case modeCompose:
			b.compose = typed(b.compose, msg.Content, classroom.MaxMessage)
		case modeFilter:
			b.filter = typed(b.filter, msg.Content, 63)
			b.keepCursor()
		default:
		}
	}
	return b, nil
}

// handleKey routes a key by mode; ctrl+c quits from everywhere.
func (b *Board) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, b.c.Keys.Global.ForceQuit) {
		b.cancel()
		return tea.Interrupt
	}
	switch b.mode {
	case modeFilter:
		return b.filterKey(msg)
	case modeChecklist:
		return b.checklistKey(msg)
	case modeCompose:
		return b.composeKey(msg)
	case modeConfirm:
		return b.confirmKey(msg)
	case modeEnded:
		if key.Matches(msg, b.c.Keys.Global.Quit, b.c.Keys.Global.Back, b.c.Keys.Nav.Enter) {
			return tea.Quit
		}
		return nil
	default:
		return b.listKey(msg)
	}
}

// View implements tea.Model.
func (b *Board) View() tea.View {
	st := b.c.Styles
	footer := b.help.View(b)
	h := max(b.c.Height-st.App.GetVerticalFrameSize()-lipgloss.Height(footer), 1)
	w := max(b.c.Width-st.App.GetHorizontalFrameSize(), 10)
	body := b.bodyView(w, h)
	if b.mode == modeConfirm && b.confirm != nil {
		body = place(body, b.confirm.view(st, w), w, h)
	}
	body = st.Page.Height(h).MaxHeight(h).Render(body)
	v := tea.NewView(st.App.Render(body + "\n" + footer))
	v.AltScreen = true
	v.WindowTitle = "k8squest · classroom " + b.snap.Workshop
	return v
}

// bodyView is the screen of the current mode, w by h cells at most.
func (b *Board) bodyView(w, h int) string {
	switch b.mode {
	case modeChecklist:
		return b.checklistView(w, h)
	case modeEnded:
		return b.endedView(w)
	default:
		return b.listView(w, h)
	}
}
