package classroom

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/ui"
)

// sizedBackend is a learner's game that records the sizes it hears and
// whose Attach opens a fake shell in the terminal through tea.Exec.
type sizedBackend struct {
	*hookedBackend
	mu    sync.Mutex
	sizes []string
	shell *fakeShell
}

// Resize implements Sized.
func (b *sizedBackend) Resize(width, height int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sizes = append(b.sizes, fmt.Sprintf("%dx%d", width, height))
}

// heard is the sizes so far, in order.
func (b *sizedBackend) heard() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.sizes, " ")
}

// Attach implements Hooked: the program runs the shell as `s` would.
func (b *sizedBackend) Attach(_ context.Context, send func(tea.Msg)) {
	send(tea.Exec(b.shell, nil)())
}

// fakeShell holds the terminal until it is told to exit.
type fakeShell struct {
	running chan struct{}
	exit    chan struct{}
	out     io.Writer
}

func (f *fakeShell) SetStdin(io.Reader)    {}
func (f *fakeShell) SetStdout(w io.Writer) { f.out = w }
func (f *fakeShell) SetStderr(io.Writer)   {}

// Run implements tea.ExecCommand.
func (f *fakeShell) Run() error {
	fmt.Fprint(f.out, "FAKE-SHELL$ ")
	close(f.running)
	<-f.exit
	return nil
}

// TestWindowSizesReachTheGame: the pty's size and each window change
// reach a Sized game in order, also while a shell holds the terminal and
// Bubble Tea waits; the game's screen gets the last size afterwards.
func TestWindowSizesReachTheGame(t *testing.T) {
	sh := &fakeShell{running: make(chan struct{}), exit: make(chan struct{})}
	sb := &sizedBackend{hookedBackend: &hookedBackend{fakeBackend: &fakeBackend{cluster: "fakecluster-alice"}}, shell: sh}
	r := startRig(t, func(c *Config) { c.Learners = sizedLearners{fakeLearners: &fakeLearners{}, b: sb} })
	c := r.mustDial(t, login{user: "alice", key: newKey(t), code: testCode})
	tm := openTerminal(t, c, 100, 30, map[string]string{"NO_COLOR": "1"})
	defer func() {
		if t.Failed() {
			t.Logf("the game heard %q", sb.heard())
		}
	}()
	select {
	case <-sh.running:
	case <-time.After(15 * time.Second):
		t.Fatal("the fake shell did not start")
	}
	waitFor(t, "the game to hear 100x30", 10*time.Second, func() bool { return sb.heard() == "100x30" })
	// More changes than the channels between here and Bubble Tea hold.
	for _, w := range []int{90, 95, 85, 90} {
		if err := tm.s.WindowChange(20, w); err != nil {
			t.Fatal(err)
		}
	}
	want := "100x30 90x20 95x20 85x20 90x20"
	waitFor(t, "the game to hear "+want+" while the shell runs", 10*time.Second, func() bool { return sb.heard() == want })
	close(sh.exit)
	border := func(w int) string { return "╭" + strings.Repeat("─", w-6) + "╮" }
	tm.waitScreen(t, 90, 20, border(90))
	if got := sb.heard(); got != want {
		t.Fatalf("the game heard %q, want %q", got, want)
	}
}

// sizedLearners open a sized game.
type sizedLearners struct {
	*fakeLearners
	b *sizedBackend
}

// Open implements Learners.
func (l sizedLearners) Open(context.Context, string) (ui.Backend, error) { return l.b, nil }
