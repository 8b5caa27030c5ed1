package ui

import (
	"fmt"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/classroom"
)

// confirmation is a question the instructor answers before an action runs.
type confirmation struct {
	title, body string
	// run starts the action once confirmed.
	run tea.Cmd
	// what names the action in the status line while it runs.
	what string
	// back is the mode to return to.
	back boardMode
}

// view is the dialog, at most w wide.
func (c *confirmation) view(st *Styles, w int) string {
	inner := min(w-8, 64)
	text := st.Warn.Render(c.title) + "\n\n" + st.Text.Render(wrap(c.body, inner)) +
		"\n\n" + st.Subtle.Render("y/enter yes · n/esc no")
	return st.Dialog.Width(inner + st.Dialog.GetHorizontalFrameSize()).Render(text)
}

// listKey handles the board's keys.
func (b *Board) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k, g := b.keys, b.c.Keys
	switch {
	case key.Matches(msg, g.Global.Quit):
		b.cancel()
		return tea.Quit
	case key.Matches(msg, g.Nav.Up):
		b.moveCursor(-1)
	case key.Matches(msg, g.Nav.Down):
		b.moveCursor(1)
	case key.Matches(msg, g.Nav.Top):
		b.moveCursor(-len(b.snap.Rows))
	case key.Matches(msg, g.Nav.Bottom):
		b.moveCursor(len(b.snap.Rows))
	case key.Matches(msg, k.Open):
		if _, ok := b.selected(); ok {
			b.mode = modeChecklist
		}
	case key.Matches(msg, k.Sort):
		b.sort = b.sort.next()
		b.offset = 0
	case key.Matches(msg, k.Filter):
		b.mode = modeFilter
	case key.Matches(msg, g.Global.Back):
		b.filter = ""
		b.keepCursor()
	case key.Matches(msg, k.Reset):
		b.askReset(modeList)
	case key.Matches(msg, k.Broadcast):
		return b.startCompose()
	case key.Matches(msg, k.End):
		b.askEnd()
	}
	return nil
}

// filterKey edits the filter: runes add, backspace removes, enter keeps
// it, esc clears it.
func (b *Board) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	g := b.c.Keys
	switch {
	case key.Matches(msg, g.Nav.Enter):
		b.mode = modeList
	case key.Matches(msg, g.Global.Back):
		b.filter, b.mode = "", modeList
	case msg.String() == "backspace":
		b.filter = backspace(b.filter)
	case msg.String() == "up":
		b.moveCursor(-1)
	case msg.String() == "down":
		b.moveCursor(1)
	default:
		b.filter = typed(b.filter, msg.Text, 63)
	}
	b.offset = 0
	b.keepCursor()
	return nil
}

// checklistKey handles the keys of one learner's checklist.
func (b *Board) checklistKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, b.c.Keys.Global.Back, b.c.Keys.Global.Quit):
		b.mode = modeList
	case key.Matches(msg, b.keys.Reset):
		b.askReset(modeChecklist)
	}
	return nil
}

// composeKey edits the broadcast; enter asks to confirm it.
func (b *Board) composeKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, b.c.Keys.Global.Back):
		b.mode = modeList
	case key.Matches(msg, b.keys.Send):
		b.askBroadcast()
	case msg.String() == "backspace":
		b.compose, b.status = backspace(b.compose), ""
	default:
		b.compose, b.status = typed(b.compose, msg.Text, classroom.MaxMessage), ""
	}
	return nil
}

// typed is s with text typed at its end: line breaks and tabs become
// spaces, other control characters go; at most limit characters in all.
func typed(s, text string, limit int) string {
	for _, r := range text {
		if len([]rune(s)) >= limit {
			break
		}
		switch {
		case unicode.IsSpace(r):
			s += " "
		case unicode.IsPrint(r):
			s += string(r)
		}
	}
	return s
}

// backspace is s without its last character.
func backspace(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return string(r[:len(r)-1])
}

// confirmKey answers the dialog.
func (b *Board) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	c := b.confirm
	switch {
	case key.Matches(msg, b.c.Keys.Confirm.Yes):
		b.confirm, b.mode = nil, c.back
		b.busy, b.status = c.what, ""
		return c.run
	case key.Matches(msg, b.c.Keys.Confirm.No):
		b.confirm, b.mode = nil, c.back
	}
	return nil
}

// busyNote is the refusal of an action while another runs.
const busyNote = "one action at a time"

// refuse says why an action cannot start.
func (b *Board) refuse(why string) {
	b.status, b.failed = why, true
}

// askReset asks to reset the selected learner's level.
func (b *Board) askReset(back boardMode) {
	r, ok := b.selected()
	switch {
	case b.busy != "":
		b.refuse(busyNote)
	case !ok:
		b.refuse("no learner selected")
	case r.Level == 0:
		b.refuse(r.Name + " has not started a level yet")
	default:
		name, level := r.Name, r.Level
		b.ask(&confirmation{
			title: fmt.Sprintf("Reset level %d for %s?", level, name),
			body: fmt.Sprintf("Everything in %s's level namespace is deleted and the broken state set up again. "+
				"Their clock keeps running; their progress is kept.", name),
			what: fmt.Sprintf("resetting level %d for %s", level, name),
			run:  b.resetCmd(name, level),
			back: back,
		})
	}
}

// startCompose opens the broadcast editor.
func (b *Board) startCompose() tea.Cmd {
	if b.busy != "" {
		b.refuse(busyNote)
		return nil
	}
	b.mode, b.compose, b.status = modeCompose, "", ""
	return nil
}

// askBroadcast checks the message and asks to send it.
func (b *Board) askBroadcast() {
	text, err := classroom.CleanMessage(b.compose)
	if err != nil {
		b.refuse(err.Error())
		return
	}
	b.ask(&confirmation{
		title: fmt.Sprintf("Send this banner to every learner (%d connected)?", b.snap.Connected()),
		body:  "“" + text + "”",
		what:  "broadcasting",
		run:   b.broadcastCmd(text),
		back:  modeList,
	})
}

// askEnd asks to end the workshop.
func (b *Board) askEnd() {
	if b.busy != "" {
		b.refuse(busyNote)
		return
	}
	b.ask(&confirmation{
		title: "End the workshop " + b.snap.Workshop + "?",
		body: fmt.Sprintf("Every learner's namespace and identity is removed (%d learners, %d connected now). "+
			"Their progress files stay. This cannot be undone.", len(b.snap.Rows), b.snap.Connected()),
		what: "ending the workshop",
		run:  b.endCmd(),
		back: modeList,
	})
}

func (b *Board) ask(c *confirmation) {
	b.confirm, b.mode, b.status = c, modeConfirm, ""
}

// actionDone shows an action's outcome; the end of the workshop shows the
// summary.
func (b *Board) actionDone(msg actionDoneMsg) {
	b.busy = ""
	b.status, b.failed = msg.What, msg.Err != nil
	if msg.Err != nil {
		b.status = msg.What + ": " + msg.Err.Error()
		return
	}
	if msg.What == "workshop ended" {
		b.mode, b.summary = modeEnded, msg.Summary
	}
}

// resetCmd resets a learner's level.
func (b *Board) resetCmd(name string, level int) tea.Cmd {
	return func() tea.Msg {
		err := b.room.Reset(b.c.Ctx, name, level)
		return actionDoneMsg{What: fmt.Sprintf("level %d reset for %s", level, name), Err: err}
	}
}

// broadcastCmd sends a banner.
func (b *Board) broadcastCmd(text string) tea.Cmd {
	return func() tea.Msg {
		err := b.room.Broadcast(b.c.Ctx, text)
		return actionDoneMsg{What: "banner sent: " + text, Err: err}
	}
}

// endCmd ends the workshop.
func (b *Board) endCmd() tea.Cmd {
	return func() tea.Msg {
		s, err := b.room.End(b.c.Ctx)
		if err != nil {
			return actionDoneMsg{What: "end the workshop", Err: err}
		}
		return actionDoneMsg{What: "workshop ended", Summary: strings.TrimSpace(s)}
	}
}
