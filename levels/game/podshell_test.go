package game

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/remotecommand"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/levels"
)

// fakeExecutor records what a stream was given and plays a shell: it
// echoes stdin to stdout and hands each terminal size to sized.
type fakeExecutor struct {
	opts  remotecommand.StreamOptions
	sized chan remotecommand.TerminalSize
}

func (f *fakeExecutor) StreamWithContext(ctx context.Context, o remotecommand.StreamOptions) error {
	f.opts = o
	if o.TerminalSizeQueue != nil {
		go func() {
			for s := o.TerminalSizeQueue.Next(); s != nil; s = o.TerminalSizeQueue.Next() {
				f.sized <- *s
			}
			close(f.sized)
		}()
	}
	_, err := io.Copy(o.Stdout, o.Stdin)
	return err
}

// nextSize is the next size the fake shell got, bounded.
func nextSize(t *testing.T, ch chan remotecommand.TerminalSize) remotecommand.TerminalSize {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no terminal size reached the shell")
		return remotecommand.TerminalSize{}
	}
}

// The pod shell streams the terminal's input and output with a TTY, its
// size first and each resize after, and the server's stderr never.
func TestPodShellPlumbing(t *testing.T) {
	sizes := NewTerminalSizes(120, 40)
	f := &fakeExecutor{sized: make(chan remotecommand.TerminalSize, 4)}
	sh := &PodShell{ctx: context.Background(), exec: f, sizes: sizes}
	inR, inW := io.Pipe()
	var out bytes.Buffer
	var stderr bytes.Buffer
	sh.SetStdin(inR)
	sh.SetStdout(&out)
	sh.SetStderr(&stderr)
	done := make(chan error, 1)
	go func() { done <- sh.Run() }()
	if s := nextSize(t, f.sized); s.Width != 120 || s.Height != 40 {
		t.Fatalf("first size %+v, want 120x40", s)
	}
	sizes.Resize(90, 20)
	if s := nextSize(t, f.sized); s.Width != 90 || s.Height != 20 {
		t.Fatalf("size after resize %+v, want 90x20", s)
	}
	if _, err := io.WriteString(inW, "kubectl get pods\n"); err != nil {
		t.Fatal(err)
	}
	_ = inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end when the shell did")
	}
	if !f.opts.Tty || f.opts.Stderr != nil || out.String() != "kubectl get pods\n" || stderr.Len() != 0 {
		t.Fatalf("stream tty=%v stderr=%v, output %q, server stderr %q", f.opts.Tty, f.opts.Stderr, out.String(), stderr.String())
	}
	// The queue ends with the shell, and a resize after it reaches no one.
	if _, open := <-f.sized; open {
		t.Fatal("the size queue outlived the shell")
	}
	sizes.Resize(10, 10)
}

// A resize while the shell is busy keeps only the latest size.
func TestSizeQueueKeepsTheLatest(t *testing.T) {
	sizes := NewTerminalSizes(80, 24)
	q := sizes.subscribe()
	sizes.Resize(100, 30)
	sizes.Resize(101, 31)
	if s := q.Next(); s == nil || s.Width != 101 || s.Height != 31 {
		t.Fatalf("Next() = %+v, want 101x31", s)
	}
	sizes.unsubscribe(q)
	if s := q.Next(); s != nil {
		t.Fatalf("Next() after the end = %+v, want nil", s)
	}
	if s := termSize(0, 70000); s.Width != 1 || s.Height != 65535 {
		t.Fatalf("termSize(0, 70000) = %+v", s)
	}
}

// A stream error names the shell pod.
func TestPodShellError(t *testing.T) {
	sh := &PodShell{ctx: context.Background(), exec: errExecutor{}}
	if err := sh.Run(); err == nil || !strings.Contains(err.Error(), "shell pod: forbidden") {
		t.Fatalf("Run() = %v", err)
	}
}

type errExecutor struct{}

func (errExecutor) StreamWithContext(context.Context, remotecommand.StreamOptions) error {
	return errors.New("forbidden")
}

// Without a cluster the remote shell is not connected, and never falls
// back to a local process.
func TestRemoteShellNeverLocal(t *testing.T) {
	x := &Game{opts: Options{RemoteShell: &RemoteShell{}}}
	sh, err := x.Shell(context.Background(), &levels.Level{ID: 30, Namespace: "ws-ana"}, "/kc")
	if !errors.Is(err, ErrNotConnected) || sh != nil {
		t.Fatalf("Shell() = %v, %v, want ErrNotConnected and no shell", sh, err)
	}
}

func TestShellImageFollowsTheCluster(t *testing.T) {
	for in, want := range map[string]string{
		"v1.37.2":             "registry.k8s.io/kubectl:v1.37.2",
		"v1.31.4-gke.1014001": "registry.k8s.io/kubectl:v1.31.4",
		"v1.30.1+k3s1":        "registry.k8s.io/kubectl:v1.30.1",
	} {
		if got := kube.ShellImage(in); got != want {
			t.Errorf("ShellImage(%q) = %q, want %q", in, got, want)
		}
	}
}
