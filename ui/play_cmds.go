package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/score"
)

// outcome is how the attempt has gone so far.
func (p *playScreen) outcome() score.Outcome {
	o := score.Outcome{
		LevelXP:        p.level.XP,
		SolutionOpened: p.solutionOpened,
		Seconds:        int(p.elapsed() / time.Second),
		Resets:         p.resets,
	}
	for _, h := range p.level.Hints[:p.hintsOpened] {
		o.HintCosts = append(o.HintCosts, h.Cost)
	}
	if p.solutionOpened {
		o.SolutionCost = p.level.Solution.Cost
	}
	return o
}

// elapsed is how long the attempt has run.
func (p *playScreen) elapsed() time.Duration { return p.c.Now().Sub(p.started) }

// watchCmd starts Session.Watch and hands its channel to the screen.
// A reconnect stops the watch and starts another on the new session.
func (p *playScreen) watchCmd() tea.Cmd {
	ctx, cancel := context.WithCancel(p.ctx)
	p.watchCancel = cancel
	s := p.sess
	return func() tea.Msg { return watchStartedMsg{p: p, ch: s.Watch(ctx)} }
}

// tickCmd ticks the elapsed clock once a second.
func (p *playScreen) tickCmd() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{p: p} })
}

// drillCmd runs the level's drill, its steps delivered live.
func (p *playScreen) drillCmd() tea.Cmd {
	p.drill.state, p.drill.steps, p.drill.message = drillRunning, nil, ""
	p.notes.drillInShell = p.notes.inShell
	op, s := newOperation(p.ctx), p.sess
	p.drill.op = op
	return op.start(func(ctx context.Context, _ cluster.Reporter) (any, error) {
		return s.Drill(ctx, op.reportStep), nil
	})
}

// resetCmd resets the level, its steps delivered live.
func (p *playScreen) resetCmd() tea.Cmd {
	p.notice = ""
	p.opLog = newStepLog(p.c, fmt.Sprintf("Resetting level %d", p.level.ID))
	p.resetOp = newOperation(p.ctx)
	s := p.sess
	return tea.Batch(p.resetOp.start(func(ctx context.Context, rep cluster.Reporter) (any, error) {
		return nil, s.Reset(ctx, rep)
	}), p.opLog.Tick())
}

// completeCmd records the completion and hands the result to the root.
func (p *playScreen) completeCmd() tea.Cmd {
	p.completing = true
	l, o, be, sess, results, n, ctx := p.level, p.outcome(), p.c.Backend, p.sess, p.finalResults(), p.notes, p.ctx
	return func() tea.Msg {
		notes := fieldNotes(ctx, sess, l.ID, sess.Namespace(), n)
		b, a, st, err := be.Complete(l, o, notes)
		if err != nil {
			return errMsg{What: fmt.Sprintf("record level %d", l.ID), Err: err}
		}
		return levelDoneMsg{Level: l, Session: sess, Outcome: o, Breakdown: b, Award: a, Progress: st, Results: results, Notes: notes}
	}
}

// helpKey tags the render of the opened hints and solution.
func (p *playScreen) helpKey() string {
	return fmt.Sprintf("help-%d-%d-%t", p.level.ID, p.hintsOpened, p.solutionOpened)
}

// helpSource is the markdown of every opened hint and the solution.
func (p *playScreen) helpSource() string {
	var parts []string
	for _, h := range p.level.Hints[:p.hintsOpened] {
		parts = append(parts, h.Text)
	}
	if p.solutionOpened {
		parts = append(parts, p.level.Solution.Text)
	}
	return strings.Join(parts, "\n\n---\n\n")
}

// renderHelpCmd renders the opened hints and solution for the current width.
func (p *playScreen) renderHelpCmd() tea.Cmd {
	if p.hintsOpened == 0 && !p.solutionOpened || p.w <= 0 {
		return nil
	}
	return renderMarkdownCmd(p.helpKey(), p.helpSource(), p.w, p.c.Styles.Dark)
}
