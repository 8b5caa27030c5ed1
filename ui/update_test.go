package ui

import (
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/play"
)

// msgOf runs cmd and returns its message; it fails on a nil command.
func msgOf(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a command")
	}
	return cmd()
}

func TestHintNeedsConfirmation(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	p := h.m.play
	h.key('h', "h")
	if p.dialog != dialogHint {
		t.Fatalf("dialog = %v, want hint", p.dialog)
	}
	h.key('n', "n")
	if p.dialog != dialogNone || p.hintsOpened != 0 {
		t.Fatalf("after n: dialog %v, hints %d", p.dialog, p.hintsOpened)
	}
	h.key('h', "h")
	h.key('y', "y")
	h.key('h', "h")
	h.send(tKey("enter"))
	if p.hintsOpened != 2 {
		t.Fatalf("hints opened = %d, want 2", p.hintsOpened)
	}
	if got := p.outcome().HintCosts; len(got) != 2 || got[0] != 30 || got[1] != 60 {
		t.Fatalf("hint costs = %v", got)
	}
}

func TestSolutionAndResetConfirm(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	p := h.m.play
	h.key('S', "S")
	if p.dialog != dialogSolution {
		t.Fatalf("dialog = %v, want solution", p.dialog)
	}
	h.key('y', "y")
	if !p.solutionOpened || p.outcome().SolutionCost != 200 {
		t.Fatalf("solution not opened: %+v", p.outcome())
	}
	h.key('r', "r")
	if p.dialog != dialogReset {
		t.Fatalf("dialog = %v, want reset", p.dialog)
	}
	h.key('y', "y")
	if p.resetOp == nil {
		t.Fatal("reset did not start")
	}
	h.send(opMsg{op: p.resetOp, Done: true})
	if p.resets != 1 || p.resetOp != nil {
		t.Fatalf("resets = %d, op %v", p.resets, p.resetOp)
	}
}

func TestLeaveAsksThenGoesToMap(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	p := h.m.play
	if cmd := h.key('q', "q"); cmd != nil {
		t.Fatal("q must ask first")
	}
	cmd := h.key('y', "y")
	if _, ok := msgOf(t, cmd).(showMapMsg); !ok {
		t.Fatal("leaving must go to the map")
	}
	h.send(showMapMsg{})
	if h.m.screen != screenMap || !p.closed || p.ctx.Err() == nil {
		t.Fatalf("screen %v, closed %v", h.m.screen, p.closed)
	}
}

func TestPassedVerdictRunsDrillThenCompletes(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.advance(95 * time.Second)
	h.verdict(ch, passed())
	if p.drill.state != drillRunning {
		t.Fatalf("drill = %v, want running", p.drill.state)
	}
	h.verdict(ch, passed()) // a second pass while the drill runs starts nothing
	cmd := h.send(opMsg{op: p.drill.op, Done: true, Value: drill.Result{Passed: true}})
	done, ok := msgOf(t, cmd).(levelDoneMsg)
	if !ok {
		t.Fatal("a passed drill must complete the level")
	}
	if done.Outcome.Seconds != 95 || done.Award.Gained != 300 {
		t.Fatalf("outcome %+v award %+v", done.Outcome, done.Award)
	}
	h.send(done)
	if h.m.screen != screenResult || h.m.c.Progress.TotalXP() != 300 {
		t.Fatalf("screen %v, total %d", h.m.screen, h.m.c.Progress.TotalXP())
	}
	if _, ok := msgOf(t, h.send(tKey("enter"))).(showDebriefMsg); !ok {
		t.Fatal("enter on the result opens the debrief")
	}
}

func TestFailedDrillKeepsWatching(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.verdict(ch, passed())
	h.send(opMsg{op: p.drill.op, Done: true, Value: drill.Result{Message: "web-2 kept its old IP"}})
	if p.drill.state != drillFailed || p.verdicts == nil {
		t.Fatalf("drill = %v", p.drill.state)
	}
	h.verdict(ch, passed())
	if p.drill.state != drillFailed {
		t.Fatal("an unchanged pass must not rerun a failed drill")
	}
	h.verdict(ch, play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Pass, check.Pass), failing)})
	h.verdict(ch, passed())
	if p.drill.state != drillRunning {
		t.Fatalf("drill = %v, want running again after a fix", p.drill.state)
	}
}

func TestAPIErrorKeepsChecklist(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	v := play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Fail, check.Fail), failing)}
	h.verdict(ch, v)
	v.Err, v.Passed = errors.New("connection refused"), true
	h.verdict(ch, v)
	if p.drill.state != drillIdle || p.completing {
		t.Fatal("a verdict with Err must not count as passed")
	}
	if len(p.results()) != 5 {
		t.Fatal("checklist lost")
	}
}

func TestStaleVerdictIgnored(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	other := make(chan play.Verdict)
	h.send(verdictMsg{ch: other, Verdict: passed()})
	if h.m.play.haveVerdict {
		t.Fatal("a verdict from another channel was taken")
	}
}

func TestMapNavigation(t *testing.T) {
	h := newHarness(t, Options{})
	h.be.levels = append(h.be.levels, level30())
	h.be.levels[1].ID, h.be.levels[1].Title = 31, "Another"
	h.booted()
	h.key('j', "j")
	if h.m.world.cursor != 1 {
		t.Fatalf("cursor = %d", h.m.world.cursor)
	}
	h.key('k', "k")
	msg, ok := msgOf(t, h.send(tKey("enter"))).(showBriefingMsg)
	if !ok || msg.Level.ID != 30 {
		t.Fatalf("enter opened %+v", msg)
	}
}

func TestStartLevelOpensBriefing(t *testing.T) {
	h := newHarness(t, Options{StartLevel: 30})
	h.booted()
	if h.m.screen != screenBriefing || h.m.briefing.level.ID != 30 {
		t.Fatalf("screen = %v", h.m.screen)
	}
	if _, ok := msgOf(t, h.send(tKey("esc"))).(showMapMsg); !ok {
		t.Fatal("esc goes back to the map")
	}
}

func TestBootRunsConnect(t *testing.T) {
	h := newHarness(t, Options{})
	h.m.Init()
	op := h.m.boot.op
	go op.run(h.m.boot.connect)()
	for {
		msg := op.wait()()
		cmd := h.send(msg)
		if m := msg.(opMsg); m.Done {
			if _, ok := msgOf(t, cmd).(bootDoneMsg); !ok {
				t.Fatalf("boot ended with %v", m.Err)
			}
			return
		}
	}
}

func TestErrorScreenKeys(t *testing.T) {
	h := newHarness(t, Options{})
	h.send(errMsg{What: "start the cluster", Err: errors.New("boom")})
	if _, ok := msgOf(t, h.key('x', "x")).(retryBootMsg); !ok {
		t.Fatal("any key retries the boot")
	}
	if msgOf(t, h.key('q', "q")) != tea.Quit() {
		t.Fatal("q quits")
	}
}

func TestHelpToggle(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	h.key('?', "?")
	if !h.m.help.ShowAll {
		t.Fatal("? shows the full help")
	}
}

func TestResizeRerendersDebrief(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	h.send(showDebriefMsg{Level: level30()})
	cmd := h.send(tea.WindowSizeMsg{Width: 70, Height: 20})
	if cmd == nil {
		t.Fatal("resize must re-render")
	}
	h.send(h.m.debrief.renderCmd()())
	if h.m.debrief.renderedFor != 70-4-2 {
		t.Fatalf("rendered for %d", h.m.debrief.renderedFor)
	}
	h.key('G', "G")
	if !h.m.debrief.vp.AtBottom() {
		t.Fatal("G goes to the bottom")
	}
}
