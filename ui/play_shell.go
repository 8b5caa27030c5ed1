package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
)

// shellCmd sets the player's identity and shell up off the event loop,
// with steps on the screen; handleShell then runs the shell.
func (p *playScreen) shellCmd() tea.Cmd {
	p.notice, p.export = "", ""
	p.opLog = newStepLog(p.c, "Opening a shell as the player")
	p.shellOp = newOperation(p.ctx)
	p.showOpLog()
	return tea.Batch(p.shellOp.start(p.prepareShell), p.opLog.Tick())
}

// shellStep is the step that opens the shell itself.
const shellStep = "open the shell"

// prepareShell is the shell operation: write the player's kubeconfig,
// then open the shell (a pod starts for a learner over SSH), returning it.
func (p *playScreen) prepareShell(ctx context.Context, rep cluster.Reporter) (any, error) {
	be, l := p.c.Backend, p.level
	step := "set up the player's identity in namespace " + l.Namespace
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	if err := be.WritePlayerKubeconfig(ctx, l); err != nil {
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return nil, err
	}
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	rep.Report(cluster.Event{Step: shellStep, State: cluster.StepStarted})
	sh, err := be.Shell(p.ctx, l, be.PlayerKubeconfigPath(l))
	if err != nil {
		rep.Report(cluster.Event{Step: shellStep, State: cluster.StepFailed, Detail: err.Error()})
		return nil, err
	}
	rep.Report(cluster.Event{Step: shellStep, State: cluster.StepDone})
	return sh, nil
}

// shellRoute is a backend's answer when it opens no shell but knows how
// to reach the cluster as the player another way (a learner over SSH on
// a cluster without real pods).
type shellRoute interface {
	error
	ShellRoute() string
}

// handleShell shows the shell set-up's steps and, once the shell is
// ready, suspends the game for it. When there is none the notice says why
// and how to reach the cluster as the player from another terminal.
func (p *playScreen) handleShell(msg opMsg) tea.Cmd {
	if msg.Event != nil {
		p.opLog.Add(*msg.Event)
		return p.shellOp.wait()
	}
	p.shellOp, p.opLog = nil, nil
	sh, ok := msg.Value.(ShellCommand)
	if msg.Err != nil || !ok || sh == nil {
		p.noShell(msg.Err)
		return p.afterOp()
	}
	p.noteShell(true)
	return tea.Batch(tea.Exec(sh, func(err error) tea.Msg { return shellDoneMsg{p: p, Err: err} }), p.afterOp())
}

// noShell says why no shell opens, and gives the line that points another
// terminal's kubectl at the player's identity.
func (p *playScreen) noShell(err error) {
	var r shellRoute
	if errors.As(err, &r) {
		p.notice = fmt.Sprintf("No shell here: %s. Use kubectl as the player on your own machine: get your kubeconfig, then run kubectl with it:", r.Error())
		p.export = r.ShellRoute()
		return
	}
	why := "the player's identity is not ready"
	if err != nil {
		why = err.Error()
	}
	l := p.level
	p.notice = fmt.Sprintf("No shell: %s. The game opens a shell only as the player, never with your own kubeconfig. "+
		"To use kubectl as the player in another terminal, write the player's kubeconfig with "+
		"`k8squest cluster kubeconfig --player -n %s` once the cluster answers, then run:", why, l.Namespace)
	p.export = "export KUBECONFIG=" + p.c.Backend.PlayerKubeconfigPath(l)
}
