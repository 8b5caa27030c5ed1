package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/drill"
)

// finish runs op's function in the background and feeds its messages to
// the model until the operation ends; it returns the command of the end.
func (h *harness) finish(op *operation, fn opFunc) tea.Cmd {
	h.t.Helper()
	go op.run(fn)()
	for {
		msg := op.wait()().(opMsg)
		cmd := h.send(msg)
		if msg.Done {
			return cmd
		}
	}
}

// TestShellIsPreparedInACommand: s does not talk to the cluster inside
// Update; it shows a step, and the shell runs with the player's kubeconfig
// once the command has written it.
func TestShellIsPreparedInACommand(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	p := h.m.play
	if cmd := h.key('s', "s"); cmd == nil || p.shellOp == nil {
		t.Fatal("s must start the shell set-up as a command")
	}
	if len(h.be.shells) != 0 {
		t.Fatal("the shell was built before the player's kubeconfig was written")
	}
	if v := h.view(); !strings.Contains(v, "Opening a shell as the player") {
		t.Fatalf("no step on the screen while the shell is prepared:\n%s", v)
	}
	h.finish(p.shellOp, p.prepareShell)
	if want := "/state/k8squest/players/k8squest.kubeconfig"; len(h.be.shells) != 1 || h.be.shells[0] != want {
		t.Fatalf("shells built with %q, want one with %q", h.be.shells, want)
	}
	if p.shellOp != nil || p.opLog != nil {
		t.Fatal("the shell set-up did not end")
	}
}

// TestNoShellWithoutThePlayerIdentity: when the player's kubeconfig cannot
// be written (after a failed reconnect, say), no shell opens; the screen
// says why and gives the export line for another terminal.
func TestNoShellWithoutThePlayerIdentity(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	p := h.m.play
	h.be.kubeErr = errors.New("not connected to a cluster")
	h.key('s', "s")
	h.finish(p.shellOp, p.prepareShell)
	if len(h.be.shells) != 0 {
		t.Fatalf("a shell was built without the player's identity: %q", h.be.shells)
	}
	v := h.view()
	for _, want := range []string{
		"No shell: not connected to a cluster",
		"k8squest cluster kubeconfig --player -n k8squest",
		"export KUBECONFIG=/state/k8squest/players/k8squest.kubeconfig",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the screen does not say %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "use kubectl in another terminal.") {
		t.Error("the old advice would reach the user's own default context")
	}
}

// TestOneOperationAtATime: while the drill runs, reset, shell and drill
// retry say busy and start nothing; while a reset runs, a passing verdict
// starts no drill.
func TestOneOperationAtATime(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.verdict(ch, passed())
	if p.drill.state != drillRunning {
		t.Fatalf("drill = %v, want running", p.drill.state)
	}
	for _, k := range []struct {
		code rune
		text string
	}{{'r', "r"}, {'s', "s"}, {'d', "d"}} {
		h.key(k.code, k.text)
		if p.dialog != dialogNone || p.resetOp != nil || p.shellOp != nil {
			t.Fatalf("%s started something while the drill runs: dialog %v", k.text, p.dialog)
		}
		if !strings.Contains(p.notice, "busy: the drill is running") {
			t.Fatalf("%s: notice %q, want busy", k.text, p.notice)
		}
	}
	h.send(opMsg{op: p.drill.op, Done: true, Value: drill.Result{Message: "web-2 kept its old IP"}})
	h.key('r', "r")
	h.key('y', "y")
	if p.resetOp == nil {
		t.Fatal("r did not reset once the drill ended")
	}
	h.verdict(ch, passed())
	h.key('d', "d")
	if p.drill.state == drillRunning {
		t.Fatal("a drill started during the reset")
	}
	h.key('s', "s")
	if p.shellOp != nil || !strings.Contains(p.notice, "busy: the reset is running") {
		t.Fatalf("s during the reset: notice %q", p.notice)
	}
}

// TestShellSetUpBlocksOtherOperations: while the player's kubeconfig is
// written, r says busy, and a pass that came meanwhile runs the drill
// afterwards.
func TestShellSetUpBlocksOtherOperations(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.key('s', "s")
	h.key('r', "r")
	if p.dialog != dialogNone || !strings.Contains(p.notice, "busy: the shell set-up is running") {
		t.Fatalf("r during the shell set-up: dialog %v, notice %q", p.dialog, p.notice)
	}
	h.verdict(ch, passed())
	if p.drill.state != drillIdle {
		t.Fatal("the drill started during the shell set-up")
	}
	h.finish(p.shellOp, p.prepareShell)
	if p.drill.state != drillRunning {
		t.Fatalf("drill = %v after the shell set-up, want running on the pass that came meanwhile", p.drill.state)
	}
}

// blockingSession's drill runs until its context ends and says so.
type blockingSession struct {
	*fakeSession
	started, stopped chan struct{}
}

func (s *blockingSession) Drill(ctx context.Context, _ func(drill.Step)) drill.Result {
	close(s.started)
	<-ctx.Done()
	close(s.stopped)
	return drill.Result{Message: ctx.Err().Error()}
}

// TestLeavingStopsTheDrill: the dialog says the running drill stops, and
// leaving ends the drill's context.
func TestLeavingStopsTheDrill(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	sess := &blockingSession{fakeSession: h.be.sess, started: make(chan struct{}), stopped: make(chan struct{})}
	h.send(startPlayMsg{Level: level30().WithNamespace("k8squest"), Session: sess})
	p := h.m.play
	h.send(watchStartedMsg{p: p, ch: sess.verdicts})
	h.send(verdictMsg{ch: sess.verdicts, Verdict: passed()})
	op := p.drill.op
	go op.run(func(ctx context.Context, _ cluster.Reporter) (any, error) { return sess.Drill(ctx, nil), nil })()
	<-sess.started
	h.key('q', "q")
	if v := h.view(); !strings.Contains(v, "running now, is stopped.") {
		t.Fatalf("the leave dialog does not say the drill stops:\n%s", v)
	}
	h.key('y', "y")
	h.send(showMapMsg{})
	select {
	case <-sess.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the drill still runs after the player left")
	}
}

// routeErr is a backend's answer when it opens no shell but knows the way
// to kubectl as the player (a learner over SSH on the sim).
type routeErr struct{}

func (routeErr) Error() string { return "the sim cluster's nodes run no real pods" }
func (routeErr) ShellRoute() string {
	return "ssh -p 2222 ana@class.example kubeconfig > kc; KUBECONFIG=kc kubectl get pods"
}

// TestNoPodShellGivesTheKubeconfigRoute: over SSH on a cluster without
// real pods, s opens nothing, and the screen gives the learner the
// command for their own machine, not the local export line.
func TestNoPodShellGivesTheKubeconfigRoute(t *testing.T) {
	h := newHarness(t, Options{})
	h.playing()
	p := h.m.play
	h.be.shellErr = routeErr{}
	h.key('s', "s")
	h.finish(p.shellOp, p.prepareShell)
	v := h.view()
	for _, want := range []string{
		"No shell here: the sim cluster's nodes run no real pods",
		"Use kubectl as the player on your own",
		"ssh -p 2222 ana@class.example kubeconfig > kc; KUBECONFIG=kc kubectl get pods",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the screen does not say %q:\n%s", want, v)
		}
	}
	for _, never := range []string{"export KUBECONFIG=", "k8squest cluster kubeconfig --player"} {
		if strings.Contains(v, never) {
			t.Errorf("the screen gives the local route %q to a remote learner:\n%s", never, v)
		}
	}
	if p.notes.inShell {
		t.Error("the game thinks a shell runs")
	}
}
