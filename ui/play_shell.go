package ui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
)

// shellCmd sets the player's identity up off the event loop, with a step
// on the screen; handleShell then runs the shell as that identity.
func (p *playScreen) shellCmd() tea.Cmd {
	p.notice, p.export = "", ""
	p.opLog = newStepLog(p.c, "Opening a shell as the player")
	p.shellOp = newOperation(p.ctx)
	p.showOpLog()
	return tea.Batch(p.shellOp.start(p.prepareShell), p.opLog.Tick())
}

// prepareShell is the shell operation: write the player's kubeconfig and
// return its path.
func (p *playScreen) prepareShell(ctx context.Context, rep cluster.Reporter) (any, error) {
	be, l := p.c.Backend, p.level
	step := "set up the player's identity in namespace " + l.Namespace
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	if err := be.WritePlayerKubeconfig(ctx, l); err != nil {
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return nil, err
	}
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	return be.PlayerKubeconfigPath(l), nil
}

// handleShell shows the shell set-up's steps and, once the player's
// kubeconfig is written, suspends the game for the shell. When it could
// not be written there is no shell at all: the notice says why and how to
// reach the cluster as the player from another terminal.
func (p *playScreen) handleShell(msg opMsg) tea.Cmd {
	if msg.Event != nil {
		p.opLog.Add(*msg.Event)
		return p.shellOp.wait()
	}
	p.shellOp, p.opLog = nil, nil
	kc, ok := msg.Value.(string)
	if msg.Err != nil || !ok || kc == "" {
		p.noShell(msg.Err)
		return p.afterOp()
	}
	cmd := p.c.Backend.Shell(p.level, kc)
	p.noteShell(true)
	return tea.Batch(tea.ExecProcess(cmd, func(err error) tea.Msg { return shellDoneMsg{p: p, Err: err} }), p.afterOp())
}

// noShell says why no shell opens, and gives the line that points another
// terminal's kubectl at the player's identity.
func (p *playScreen) noShell(err error) {
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
