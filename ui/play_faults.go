package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/play"
)

// reconnectAfter is how long the API server must stay unreachable before the
// play screen offers to start the cluster again; shorter outages (an API
// server restarting) heal on their own.
const reconnectAfter = 10 * time.Second

// trackOutage notes when the API server stopped answering, and that it answers again.
func (p *playScreen) trackOutage(v play.Verdict) {
	switch {
	case !errors.Is(v.Err, play.ErrAPIUnreachable):
		p.downSince = time.Time{}
	case p.downSince.IsZero():
		p.downSince = p.c.Now()
	}
}

// downFor is how long the API server has been unreachable.
func (p *playScreen) downFor() time.Duration {
	if p.downSince.IsZero() {
		return 0
	}
	return p.c.Now().Sub(p.downSince)
}

// offerReconnect says whether the outage has lasted long enough to offer
// starting the cluster again.
func (p *playScreen) offerReconnect() bool {
	return p.haveVerdict && p.downFor() >= reconnectAfter && p.busy() == ""
}

// bannerText says what went wrong with the cluster, and what the player can do.
func (p *playScreen) bannerText() string {
	err := p.verdict.Err
	switch {
	case errors.Is(err, play.ErrNamespaceGone):
		return fmt.Sprintf("⚠ Namespace %s was deleted, and the level's objects with it. Press r to reset the level: the broken state is set up again.", p.sess.Namespace())
	case errors.Is(err, play.ErrAPIUnreachable):
		msg := "⚠ The cluster's API server is unreachable (" + cause(err, play.ErrAPIUnreachable) + "). Showing the last known results; the checks resume on their own when it answers again."
		if p.reconnectOp != nil {
			return msg + " Starting the cluster again…"
		}
		if p.offerReconnect() {
			msg += fmt.Sprintf(" Still unreachable after %s: if the cluster is gone, press c to start or create it again.", p.downFor().Round(time.Second))
		}
		return msg
	}
	return "⚠ Cluster API unreachable: " + err.Error() + " (showing the last known results)"
}

// cause returns err's message without the sentinel's own text in front.
func cause(err, sentinel error) string {
	msg := strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
	if msg == "" {
		return sentinel.Error()
	}
	return msg
}

// reconnectCmd finds or starts the cluster again, binds the level to it and
// watches it again. It does not set the level up: if the namespace is gone
// afterwards, the banner offers a reset.
func (p *playScreen) reconnectCmd() tea.Cmd {
	p.notice = ""
	p.stopWatch()
	p.opLog = newStepLog(p.c, "Starting the cluster again")
	p.reconnectOp = newOperation(p.ctx)
	p.showOpLog()
	return tea.Batch(p.reconnectOp.start(p.reconnect), p.opLog.Tick())
}

// reconnect is the reconnect operation: Connect, then Open the level.
func (p *playScreen) reconnect(ctx context.Context, rep cluster.Reporter) (any, error) {
	be, l := p.c.Backend, p.level
	desc, err := be.Connect(ctx, rep)
	if err != nil {
		return nil, err
	}
	step := fmt.Sprintf("watch level %d on %s", l.ID, desc)
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	s, err := be.Open(ctx, l)
	if err != nil {
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return nil, err
	}
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	return s, nil
}

// stopWatch ends the current watch; its last verdicts are dropped.
func (p *playScreen) stopWatch() {
	p.verdicts = nil
	if p.watchCancel != nil {
		p.watchCancel()
	}
}

// handleReconnect shows reconnect progress, and at its end watches the new session.
func (p *playScreen) handleReconnect(msg opMsg) tea.Cmd {
	if msg.Event != nil {
		p.opLog.Add(*msg.Event)
		p.showOpLog()
		return p.reconnectOp.wait()
	}
	p.opLog.Finish(msg.Err)
	p.reconnectOp = nil
	s, ok := msg.Value.(Session)
	if msg.Err != nil || !ok {
		p.notice = "Could not start the cluster again; press c to try again."
		if msg.Err != nil {
			p.notice = "Could not start the cluster again: " + msg.Err.Error() + ". Press c to try again."
		}
		// Keep watching the old session meanwhile: the cluster may come back.
		return p.watchCmd()
	}
	p.opLog = nil
	p.sess = s
	p.downSince = time.Time{}
	p.notice = "Connected again: the checks are watching the cluster."
	return p.watchCmd()
}

// showOpLog scrolls the body to the operation's log at its bottom.
func (p *playScreen) showOpLog() {
	p.layout()
	p.vp.GotoBottom()
}
