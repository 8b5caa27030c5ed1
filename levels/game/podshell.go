package game

import (
	"context"
	"fmt"
	"io"
	"sync"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/levels"
)

// RemoteShell makes the game's shell a pod in the cluster, for a learner
// who plays over SSH: `s` then never starts a process on the server's
// account.
type RemoteShell struct {
	// Sizes is the learner's terminal size; the SSH server feeds it the
	// session's window changes. Nil keeps the pod's default size.
	Sizes *TerminalSizes
	// KubeconfigRoute is the command that gives the learner their
	// kubeconfig on their own machine (such as `ssh -p 2222 ana@class.example
	// kubeconfig > kc`), shown on a cluster that runs no real pods.
	KubeconfigRoute string
	// Image is the shell pod's image; empty means kube.ShellImage of the
	// cluster's version.
	Image string
}

// NoPodShellError is the answer to `s` over SSH on a cluster whose pods
// never run (the sim): the learner uses kubectl on their own machine.
type NoPodShellError struct {
	// Provider is the cluster's provider.
	Provider string
	// Route is the command that gives the learner their kubeconfig.
	Route string
}

// Error implements error.
func (e *NoPodShellError) Error() string {
	return fmt.Sprintf("the %s cluster's nodes run no real pods (they are kwok's), so there is no shell pod to open", e.Provider)
}

// ShellRoute is what the learner runs on their own machine instead.
func (e *NoPodShellError) ShellRoute() string {
	return e.Route + "; KUBECONFIG=kc kubectl get pods"
}

// defaultRoute is the kubeconfig route when the server gives none.
const defaultRoute = "ssh -p PORT NAME@HOST kubeconfig > kc"

// podShell ensures the player's shell pod for level l and returns the
// attached shell; ctx bounds the shell's whole life.
func (x *Game) podShell(ctx context.Context, l *levels.Level) (ShellCommand, error) {
	c, _ := x.connection()
	if c == nil {
		return nil, ErrNotConnected
	}
	rs := x.opts.RemoteShell
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("open the shell pod: %w", err)
	}
	real, err := kube.RunsRealPods(ctx, cs)
	if err != nil {
		return nil, fmt.Errorf("open the shell pod: %w", err)
	}
	if !real {
		route := rs.KubeconfigRoute
		if route == "" {
			route = defaultRoute
		}
		return nil, &NoPodShellError{Provider: c.Provider, Route: route}
	}
	image := rs.Image
	if image == "" {
		v, err := cs.Discovery().ServerVersion()
		if err != nil {
			return nil, fmt.Errorf("open the shell pod: read the cluster's version: %w", err)
		}
		image = kube.ShellImage(v.GitVersion)
	}
	pod, err := kube.EnsureShellPod(ctx, cs, l.Namespace, image)
	if err != nil {
		return nil, err
	}
	exec, err := kube.NewExecutor(c.REST, cs, pod.Namespace, pod.Name, kube.ShellContainer, shellArgv(l.Namespace))
	if err != nil {
		return nil, err
	}
	return &PodShell{ctx: ctx, exec: exec, sizes: rs.Sizes}, nil
}

// shellArgv is the command the shell pod runs for a player of namespace
// ns: a login shell whose kubectl works in ns.
func shellArgv(ns string) []string {
	return []string{"env", "POD_NAMESPACE=" + ns, "K8SQUEST_NAMESPACE=" + ns, "PS1=player@" + ns + " $ ", "/bin/sh"}
}

// RemoveShell deletes the shell pod of the player of namespace ns, when a
// learner's workshop ends.
func (x *Game) RemoveShell(ctx context.Context, ns string) error {
	c, _ := x.connection()
	if c == nil {
		return ErrNotConnected
	}
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return fmt.Errorf("remove the shell pod: %w", err)
	}
	return kube.DeleteShellPod(ctx, cs, ns)
}

// PodShell is a shell in the player's shell pod, attached through
// pods/exec with a TTY: what tea.Exec runs in the learner's SSH terminal.
type PodShell struct {
	ctx    context.Context
	exec   kube.Executor
	sizes  *TerminalSizes
	stdin  io.Reader
	stdout io.Writer
}

// SetStdin implements tea.ExecCommand: the learner's keys.
func (s *PodShell) SetStdin(r io.Reader) { s.stdin = r }

// SetStdout implements tea.ExecCommand: the learner's screen.
func (s *PodShell) SetStdout(w io.Writer) { s.stdout = w }

// SetStderr implements tea.ExecCommand. A TTY carries the shell's errors
// on its output, so the server's own stderr is never written.
func (s *PodShell) SetStderr(io.Writer) {}

// Run attaches until the shell exits or the game's context ends.
func (s *PodShell) Run() error {
	var q remotecommand.TerminalSizeQueue
	if s.sizes != nil {
		sub := s.sizes.subscribe()
		defer s.sizes.unsubscribe(sub)
		q = sub
	}
	if err := kube.Attach(s.ctx, s.exec, s.stdin, s.stdout, q); err != nil {
		return fmt.Errorf("shell pod: %w", err)
	}
	return nil
}

// TerminalSizes is a learner's terminal size, as the SSH session reports
// it and changes it. Safe for concurrent use.
type TerminalSizes struct {
	mu   sync.Mutex
	size remotecommand.TerminalSize
	subs map[*sizeQueue]struct{}
}

// NewTerminalSizes starts with width×height.
func NewTerminalSizes(width, height int) *TerminalSizes {
	return &TerminalSizes{size: termSize(width, height), subs: map[*sizeQueue]struct{}{}}
}

// Resize records the terminal's new size; a running shell gets it.
func (t *TerminalSizes) Resize(width, height int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.size = termSize(width, height)
	for q := range t.subs {
		q.offer(t.size)
	}
}

// subscribe starts a queue that gives the size now, then every change.
func (t *TerminalSizes) subscribe() *sizeQueue {
	t.mu.Lock()
	defer t.mu.Unlock()
	q := &sizeQueue{ch: make(chan remotecommand.TerminalSize, 1), done: make(chan struct{})}
	q.offer(t.size)
	t.subs[q] = struct{}{}
	return q
}

// unsubscribe ends q: its Next returns nil.
func (t *TerminalSizes) unsubscribe(q *sizeQueue) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.subs, q)
	close(q.done)
}

// sizeQueue is a remotecommand.TerminalSizeQueue that holds only the
// latest size not yet sent.
type sizeQueue struct {
	ch   chan remotecommand.TerminalSize
	done chan struct{}
}

// offer replaces the pending size with s; the caller holds the sizes' mu.
func (q *sizeQueue) offer(s remotecommand.TerminalSize) {
	select {
	case <-q.ch:
	default:
	}
	q.ch <- s
}

// Next implements remotecommand.TerminalSizeQueue: it blocks until the
// size changes, and returns nil once the shell has ended.
func (q *sizeQueue) Next() *remotecommand.TerminalSize {
	select {
	case s := <-q.ch:
		return &s
	case <-q.done:
		return nil
	}
}

// termSize is width×height, at least 1×1.
func termSize(width, height int) remotecommand.TerminalSize {
	return remotecommand.TerminalSize{Width: uint16(max(1, min(width, 65535))), Height: uint16(max(1, min(height, 65535)))}
}
