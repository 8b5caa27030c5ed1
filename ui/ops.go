package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/play"
)

// opFunc is a long operation that reports progress events and returns a value.
type opFunc func(ctx context.Context, rep cluster.Reporter) (any, error)

// operation runs one long call (Connect, Setup, Reset, Drill) off the event
// loop. Its progress and its end travel on one channel, so the screen sees
// them in order: the realtime pattern, with a wait command re-armed after
// each message.
type operation struct {
	ctx context.Context
	ch  chan opMsg
}

// opMsg is one update from an operation: a progress event, a drill step, or
// the end (Done) with its value and error.
type opMsg struct {
	op    *operation
	Event *cluster.Event
	Step  *drill.Step
	Done  bool
	Value any
	Err   error
}

// newOperation returns an operation bound to ctx.
func newOperation(ctx context.Context) *operation {
	return &operation{ctx: ctx, ch: make(chan opMsg, 32)}
}

// start returns the command running fn and the first wait.
func (o *operation) start(fn opFunc) tea.Cmd {
	return tea.Batch(o.run(fn), o.wait())
}

// run calls fn and posts its end on the channel. It returns no message itself.
func (o *operation) run(fn opFunc) tea.Cmd {
	return func() tea.Msg {
		v, err := fn(o.ctx, o.report)
		o.post(opMsg{Done: true, Value: v, Err: err})
		return nil
	}
}

// wait blocks until the next update; the screen re-arms it until Done.
func (o *operation) wait() tea.Cmd {
	return func() tea.Msg {
		select {
		case m := <-o.ch:
			m.op = o
			return m
		case <-o.ctx.Done():
			return opMsg{op: o, Done: true, Err: o.ctx.Err()}
		}
	}
}

// report is the operation's cluster.Reporter.
func (o *operation) report(e cluster.Event) { o.post(opMsg{Event: &e}) }

// reportStep is the operation's drill step reporter.
func (o *operation) reportStep(s drill.Step) { o.post(opMsg{Step: &s}) }

// post sends m unless the operation's context has ended, so a screen that
// went away never blocks the operation.
func (o *operation) post(m opMsg) {
	select {
	case o.ch <- m:
	case <-o.ctx.Done():
	}
}

// verdictMsg is one verdict from Session.Watch, or the channel's end.
type verdictMsg struct {
	ch      <-chan play.Verdict
	Verdict play.Verdict
	Closed  bool
}

// waitVerdict blocks for the next verdict; the play screen re-arms it.
func waitVerdict(ch <-chan play.Verdict) tea.Cmd {
	return func() tea.Msg {
		v, ok := <-ch
		return verdictMsg{ch: ch, Verdict: v, Closed: !ok}
	}
}
