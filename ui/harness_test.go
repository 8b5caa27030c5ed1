package ui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/progress"
)

// harness drives a root model at 100x30 with a clock the test moves.
type harness struct {
	t   testing.TB
	m   *Model
	be  *fakeBackend
	now time.Time
}

func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, be: newFakeBackend(), now: t0}
	h.m = New(context.Background(), h.be, opts)
	h.m.c.Now = func() time.Time { return h.now }
	h.m.boot = newBoot(h.m.c)
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return h
}

// send delivers msg and returns the command it produced, without running it.
func (h *harness) send(msg tea.Msg) tea.Cmd {
	_, cmd := h.m.Update(msg)
	return cmd
}

// key presses one key.
func (h *harness) key(code rune, text string) tea.Cmd {
	return h.send(tea.KeyPressMsg{Code: code, Text: text})
}

// advance moves the clock on.
func (h *harness) advance(d time.Duration) { h.now = h.now.Add(d) }

// booted finishes the boot with the fake's progress.
func (h *harness) booted() {
	h.send(bootDoneMsg{Cluster: "sim cluster k8squest-sim", Progress: h.be.state})
}

// briefing opens level 30's briefing with its session and rendered markdown.
func (h *harness) briefing() {
	h.booted()
	h.send(showBriefingMsg{Level: level30()})
	h.send(h.m.briefing.openCmd()())
	h.send(h.m.briefing.renderCmd()())
}

// playing starts level 30 and hands over a verdict channel.
func (h *harness) playing() chan play.Verdict {
	h.booted()
	l := level30().WithNamespace("k8squest")
	h.send(startPlayMsg{Level: l, Session: h.be.sess})
	ch := make(chan play.Verdict)
	h.send(watchStartedMsg{p: h.m.play, ch: ch})
	return ch
}

// verdict delivers a verdict on ch.
func (h *harness) verdict(ch chan play.Verdict, v play.Verdict) tea.Cmd {
	return h.send(verdictMsg{ch: ch, Verdict: v})
}

// event delivers a progress event of op.
func (h *harness) event(op *operation, step string, st cluster.StepState, detail string) {
	h.send(opMsg{op: op, Event: &cluster.Event{Step: step, State: st, Detail: detail}})
}

// view renders the root view without ANSI sequences.
func (h *harness) view() string { return ansi.Strip(h.m.View().Content) }

// golden compares the view with the test's golden file.
func (h *harness) golden() {
	h.t.Helper()
	golden.RequireEqual(h.t, []byte(h.view()))
}

// statuses is shorthand for building a verdict.
func statuses(s ...check.Status) []check.Status { return s }

// completed marks level 30 completed with best XP in the fake's progress.
func (h *harness) completed(best int) {
	h.be.state.Levels[30] = &progress.Level{Completed: true, BestXP: best, Completions: 1}
}
