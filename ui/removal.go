package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/levels"
)

// removal is the teardown of a finished level, run in the background once
// the player is back on the map: the map stays usable, and one status line
// on it shows the removal running, then its outcome.
type removal struct {
	c     *Common
	level *levels.Level
	ns    string
	op    *operation
	spin  spinner.Model
	// started is when the removal began, for the clock on the status line.
	started time.Time
	ended   bool
	err     error
	// step is the teardown's running step, when it reports one.
	step string
	// quitAfter says the player asked to quit: the game ends once the
	// removal has.
	quitAfter bool
	// finished is closed once the teardown has returned, so that a level
	// set up meanwhile waits instead of racing it for the same namespaces.
	finished chan struct{}
}

// newRemoval returns the removal of level l, played in session s.
func newRemoval(c *Common, l *levels.Level, s Session) *removal {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Spinner))
	r := &removal{c: c, level: l, ns: s.Namespace(), spin: sp, started: c.Now(), finished: make(chan struct{})}
	r.op = newOperation(c.Ctx)
	return r
}

// start runs the teardown of s in the background and starts the spinner.
func (r *removal) start(s Session) tea.Cmd {
	return tea.Batch(r.op.start(func(ctx context.Context, rep cluster.Reporter) (any, error) {
		defer close(r.finished)
		return nil, s.Teardown(ctx, rep)
	}), r.spin.Tick)
}

// Update follows the removal's operation and spinner; other messages are
// ignored. A nil removal ignores everything.
func (r *removal) Update(msg tea.Msg) tea.Cmd {
	if r == nil || r.ended {
		return nil
	}
	switch msg := msg.(type) {
	case opMsg:
		if msg.op != r.op {
			return nil
		}
		if !msg.Done {
			if e := msg.Event; e != nil && e.State == cluster.StepStarted {
				r.step = e.Step
			}
			return r.op.wait()
		}
		r.ended, r.err = true, msg.Err
		return nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		r.spin, cmd = r.spin.Update(msg)
		return cmd
	}
	return nil
}

// View is the status line, width columns at most.
func (r *removal) View(width int) string {
	st := r.c.Styles
	l := r.level
	var line string
	switch {
	case !r.ended:
		line = r.spin.View() + " " + st.Subtle.Render(fmt.Sprintf("Removing level %d from namespace %s… %s", l.ID, r.ns, clock(r.c.Now().Sub(r.started))))
		if r.step != "" {
			line += st.Subtle.Render(" · " + r.step)
		}
		if r.quitAfter {
			line += st.Warn.Render(" · the game quits once it is done (ctrl+c quits now)")
		}
	case r.err != nil:
		line = st.Error.Render(fmt.Sprintf("✗ Could not remove level %d from namespace %s: %v. Run: k8squest teardown %d%s", l.ID, r.ns, r.err, l.ID, nsFlag(r.ns)))
		return wrap(line, width)
	default:
		line = st.Status.Pass.Render(fmt.Sprintf("✓ Level %d removed from namespace %s.", l.ID, r.ns))
	}
	return ansi.Truncate(line, width, "…")
}

// wait returns the channel that closes when the teardown has returned, or
// nil once it has.
func (r *removal) wait() <-chan struct{} {
	if r == nil || r.ended {
		return nil
	}
	return r.finished
}

// nsFlag is the -n flag a command needs for namespace ns.
func nsFlag(ns string) string {
	if ns == levels.DefaultNamespace {
		return ""
	}
	return " -n " + ns
}
