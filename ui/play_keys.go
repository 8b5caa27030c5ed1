package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// hintKey is the hint binding, its help showing the next hint's cost.
func (p *playScreen) hintKey() key.Binding {
	if p.hintsOpened >= len(p.level.Hints) {
		return with(p.c.Keys.Play.Hint, "h", "hints")
	}
	return with(p.c.Keys.Play.Hint, "h", fmt.Sprintf("hint %d (−%d XP)", p.hintsOpened+1, p.level.Hints[p.hintsOpened].Cost))
}

// solutionKey is the solution binding, its help showing the cost.
func (p *playScreen) solutionKey() key.Binding {
	if p.solutionOpened {
		return with(p.c.Keys.Play.Solution, "S", "solution")
	}
	return with(p.c.Keys.Play.Solution, "S", fmt.Sprintf("solution (−%d XP)", p.level.Solution.Cost))
}

// handleKey answers an open dialog or acts on a play key.
func (p *playScreen) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if p.dialog != dialogNone {
		return p.handleDialogKey(msg)
	}
	k := p.c.Keys.Play
	switch {
	case key.Matches(msg, k.Hint):
		p.askHint()
	case key.Matches(msg, k.Solution):
		p.askSolution()
	case key.Matches(msg, k.Reset):
		if p.refuseBusy() {
			return nil
		}
		p.dialog = dialogReset
	case key.Matches(msg, k.Reconnect) && p.offerReconnect():
		return p.reconnectCmd()
	case key.Matches(msg, k.Shell):
		if p.refuseBusy() {
			return nil
		}
		return p.shellCmd()
	case key.Matches(msg, k.Drill):
		if p.verdict.Passed && p.verdict.Err == nil && !p.refuseBusy() {
			return p.onPassed(true)
		}
	case key.Matches(msg, k.Leave):
		p.dialog = dialogLeave
	default:
		var cmd tea.Cmd
		p.vp, cmd = p.vp.Update(msg)
		return cmd
	}
	return nil
}

// busy names the operation running on the play screen, or is empty. One
// runs at a time: a reset under a running drill would have the drill write
// into the new broken state, and a second drill could start.
func (p *playScreen) busy() string {
	switch {
	case p.completing:
		return "recording the result"
	case p.resetOp != nil:
		return "the reset"
	case p.reconnectOp != nil:
		return "the cluster restart"
	case p.drill.op != nil:
		return "the drill"
	case p.shellOp != nil:
		return "the shell set-up"
	}
	return ""
}

// refuseBusy says so on the status line when an operation runs, and
// reports whether one does.
func (p *playScreen) refuseBusy() bool {
	op := p.busy()
	if op == "" {
		return false
	}
	p.notice, p.export = "busy: "+op+" is running; wait for it to end (q leaves and stops it)", ""
	return true
}

// afterOp starts what a passing verdict that came while an operation ran
// would have started: the drill, or completion.
func (p *playScreen) afterOp() tea.Cmd {
	if !p.haveVerdict || !p.verdict.Passed || p.verdict.Err != nil {
		return nil
	}
	return p.onPassed(false)
}

// askHint asks to open the next hint, or says every hint is open.
func (p *playScreen) askHint() {
	switch {
	case len(p.level.Hints) == 0:
		p.notice = "This level has no hints."
	case p.hintsOpened >= len(p.level.Hints):
		p.notice = "Every hint is open: scroll down to read them."
		p.vp.GotoBottom()
	default:
		p.dialog = dialogHint
	}
}

// askSolution asks to open the solution, unless it is open already.
func (p *playScreen) askSolution() {
	if p.solutionOpened {
		p.notice = "The solution is open: scroll down to read it."
		p.vp.GotoBottom()
		return
	}
	p.dialog = dialogSolution
}

// handleDialogKey confirms or cancels the open dialog.
func (p *playScreen) handleDialogKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys.Confirm
	if key.Matches(msg, k.No) {
		p.dialog = dialogNone
		return nil
	}
	if !key.Matches(msg, k.Yes) {
		return nil
	}
	d := p.dialog
	p.dialog = dialogNone
	switch d {
	case dialogHint:
		p.hintsOpened++
		return p.renderHelpCmd()
	case dialogSolution:
		p.solutionOpened = true
		return p.renderHelpCmd()
	case dialogReset:
		return p.resetCmd()
	case dialogLeave:
		p.Close()
		return send(showMapMsg{})
	case dialogNone:
	}
	return nil
}
