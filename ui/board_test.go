package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
)

// fakeClassroom records the board's actions.
type fakeClassroom struct {
	mu         sync.Mutex
	ch         chan classroom.Snapshot
	resets     []string
	broadcasts []string
	ended      bool
	err        error
}

func (f *fakeClassroom) Subscribe(context.Context) <-chan classroom.Snapshot { return f.ch }

func (f *fakeClassroom) Reset(_ context.Context, learner string, level int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets = append(f.resets, fmt.Sprintf("%s/%d", learner, level))
	return f.err
}

func (f *fakeClassroom) Broadcast(_ context.Context, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broadcasts = append(f.broadcasts, text)
	return f.err
}

func (f *fakeClassroom) End(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ended = true
	return "3 learners; 3 namespaces, 3 ServiceAccounts and 3 bindings removed. Export: k8squest classroom export --format csv", f.err
}

// boardHarness drives a board at 100x30 on a fixed clock.
type boardHarness struct {
	t    *testing.T
	b    *Board
	room *fakeClassroom
	now  time.Time
}

func newBoardHarness(t *testing.T) *boardHarness {
	t.Helper()
	h := &boardHarness{t: t, room: &fakeClassroom{ch: make(chan classroom.Snapshot)}, now: t0}
	h.b = NewBoard(context.Background(), h.room)
	h.b.c.Now = func() time.Time { return h.now }
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return h
}

func (h *boardHarness) send(msg tea.Msg) tea.Cmd {
	_, cmd := h.b.Update(msg)
	return cmd
}

func (h *boardHarness) keys(names ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, n := range names {
		cmd = h.send(tKey(n))
	}
	return cmd
}

func (h *boardHarness) snapshot(s classroom.Snapshot) {
	h.send(snapshotMsg{ch: h.room.ch, Snap: s})
}

func (h *boardHarness) view() string { return ansi.Strip(h.b.View().Content) }

func (h *boardHarness) golden() {
	h.t.Helper()
	golden.RequireEqual(h.t, []byte(h.view()))
}

// run runs cmd and delivers its message.
func (h *boardHarness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		h.t.Fatal("no command to run")
	}
	h.send(cmd())
}

func level30Checks(st ...check.Status) []classroom.Check {
	titles := []string{
		"web-cluster hands out no shared address of its own",
		"StatefulSet web's pods are named under web-cluster, and web-cluster leads to them",
		"All replicas of StatefulSet web are Ready",
		"Each web-N.web-cluster name answers pod web-N's current IP",
		"web-cluster's name answers every ready pod of web, and SRV lists each pod",
	}
	out := make([]classroom.Check, len(st))
	for i, s := range st {
		out[i] = classroom.Check{ID: fmt.Sprint("c", i), Title: titles[i], Status: s}
	}
	return out
}

// class is three learners in mixed states.
func class() classroom.Snapshot {
	return classroom.Snapshot{Workshop: "kubecon-2026", Seq: 7, At: t0, Rows: []classroom.Row{
		{Name: "ada", Sessions: 1, Connected: true, Level: 30, Passing: 3, Total: 5, Started: t0.Add(-4*time.Minute - 12*time.Second),
			Hints: 1, XP: 270, Completions: 1, LastActivity: t0.Add(-12 * time.Second),
			Checks: level30Checks(check.Fail, check.Pass, check.Pass, check.Pass, check.Fail)},
		{Name: "bo", Level: 29, Passing: 4, Total: 4, Started: t0.Add(-20 * time.Minute), Finished: t0.Add(-20*time.Minute + 11*time.Minute + 3*time.Second),
			Solution: true, XP: 460, Completions: 3, LastActivity: t0.Add(-5 * time.Minute)},
		{Name: "cy", Sessions: 1, Connected: true, LastActivity: t0.Add(-2 * time.Second)},
	}}
}

func rowNames(b *Board) string {
	var names []string
	for _, r := range b.visible() {
		names = append(names, r.Name)
	}
	return strings.Join(names, ",")
}

func TestGoldenBoard(t *testing.T) {
	cases := map[string]func(h *boardHarness){
		"Empty": func(h *boardHarness) {
			h.snapshot(classroom.Snapshot{Workshop: "kubecon-2026", Seq: 1, At: t0})
		},
		"Learners": func(h *boardHarness) { h.snapshot(class()) },
		"Filtered": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("/", "a", "d")
		},
		"SortedByProgress": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("s", "s")
		},
		"ConfirmReset": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("r")
		},
		"ConfirmEnd": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("E")
		},
		"Compose": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("b", "B", "r", "e", "a", "k")
		},
		"ConfirmBroadcast": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("b")
			h.send(tea.PasteMsg{Content: "Break until 10:45; the cluster stays up."})
			h.keys("enter")
		},
		"Checklist": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("enter")
		},
		"Ended": func(h *boardHarness) {
			h.snapshot(class())
			h.keys("E")
			h.run(h.keys("y"))
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			h := newBoardHarness(t)
			setup(h)
			h.golden()
		})
	}
}

func TestBoardSortsAndKeepsTheCursor(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	want := []string{"ada,bo,cy", "ada,bo,cy", "bo,ada,cy", "cy,ada,bo"}
	for i, w := range want {
		if got := rowNames(h.b); got != w {
			t.Errorf("sort %s: rows %s, want %s", h.b.sort, got, w)
		}
		if i < len(want)-1 {
			h.keys("s")
		}
	}
	h.keys("s") // by name again
	h.keys("down")
	if h.b.cursor != "bo" {
		t.Fatalf("cursor on %q, want bo", h.b.cursor)
	}
	h.keys("s", "s") // by progress: bo first
	if h.b.cursor != "bo" {
		t.Errorf("the cursor left bo when the order changed: %q", h.b.cursor)
	}
}

func TestBoardFilter(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	h.keys("/", "Y")
	if got := rowNames(h.b); got != "cy" || h.b.cursor != "cy" {
		t.Errorf("filter Y: rows %q, cursor %q; want cy, cy (case-insensitive)", got, h.b.cursor)
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	h.keys("q", "x")
	if !strings.Contains(h.view(), `No learner's name contains "qx"`) {
		t.Errorf("a filter that matches nobody:\n%s", h.view())
	}
	h.keys("esc")
	if h.b.filter != "" || h.b.mode != modeList || rowNames(h.b) != "ada,bo,cy" {
		t.Errorf("esc leaves the filter cleared: %q, mode %d, rows %s", h.b.filter, h.b.mode, rowNames(h.b))
	}
}

func TestBoardResetAsksThenResets(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	if cmd := h.keys("r", "n"); cmd != nil || len(h.room.resets) != 0 || h.b.mode != modeList {
		t.Fatalf("n must cancel: cmd %v, resets %v, mode %d", cmd != nil, h.room.resets, h.b.mode)
	}
	h.keys("r")
	cmd := h.keys("y")
	if !strings.Contains(h.view(), "resetting level 30 for ada…") {
		t.Errorf("no busy line while the reset runs:\n%s", h.view())
	}
	if again := h.keys("r"); again != nil || !strings.Contains(h.view(), "one action at a time") {
		t.Errorf("a second action while one runs must be refused")
	}
	h.run(cmd)
	if len(h.room.resets) != 1 || h.room.resets[0] != "ada/30" {
		t.Errorf("resets: %v, want [ada/30]", h.room.resets)
	}
	if !strings.Contains(h.view(), "✓ level 30 reset for ada") {
		t.Errorf("no outcome shown:\n%s", h.view())
	}
	h.keys("down", "down", "r")
	if h.b.mode != modeList || !strings.Contains(h.view(), "cy has not started a level yet") {
		t.Errorf("reset of a learner without a level must be refused:\n%s", h.view())
	}
}

func TestBoardActionFailureShown(t *testing.T) {
	h := newBoardHarness(t)
	h.room.err = errors.New("namespace kubecon-ada is terminating")
	h.snapshot(class())
	h.keys("r")
	h.run(h.keys("y"))
	if !strings.Contains(h.view(), "✗ level 30 reset for ada: namespace kubecon-ada is terminating") {
		t.Errorf("a failed reset:\n%s", h.view())
	}
	h.keys("E")
	h.run(h.keys("y"))
	if h.b.mode == modeEnded || !strings.Contains(h.view(), "✗ end the workshop") {
		t.Errorf("a failed end must leave the board up and say why:\n%s", h.view())
	}
}

func TestBoardBroadcast(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	h.keys("b", "enter")
	if h.b.mode != modeCompose || !strings.Contains(h.view(), "the message is empty") {
		t.Errorf("an empty broadcast must be refused in place:\n%s", h.view())
	}
	h.send(tea.PasteMsg{Content: "lunch\nat noon\x1b[2J"})
	h.keys("enter")
	if h.b.mode != modeConfirm {
		t.Fatalf("no confirmation, mode %d", h.b.mode)
	}
	h.run(h.keys("y"))
	if len(h.room.broadcasts) != 1 || h.room.broadcasts[0] != "lunch at noon[2J" {
		t.Errorf("broadcasts: %q, want one, cleaned", h.room.broadcasts)
	}
}

func TestBoardEnd(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	h.keys("E", "n")
	if h.room.ended {
		t.Fatal("n ended the workshop")
	}
	h.keys("E")
	h.run(h.keys("y"))
	if !h.room.ended || h.b.mode != modeEnded || !strings.Contains(h.view(), "3 ServiceAccounts") {
		t.Errorf("after end: ended %v, mode %d\n%s", h.room.ended, h.b.mode, h.view())
	}
	if cmd := h.keys("q"); cmd == nil {
		t.Error("q does not quit the ended board")
	}
}

func TestBoardChecklistIsLive(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	h.keys("enter")
	if !strings.Contains(h.view(), "3/5 passing") {
		t.Fatalf("checklist:\n%s", h.view())
	}
	s := class()
	s.Seq++
	s.Rows[0].Checks = level30Checks(check.Pass, check.Pass, check.Pass, check.Pass, check.Pass)
	s.Rows[0].Passing = 5
	h.snapshot(s)
	if v := h.view(); !strings.Contains(v, "5/5 passing") || strings.Contains(v, "✗") {
		t.Errorf("the checklist did not follow the new verdict:\n%s", v)
	}
	h.keys("esc")
	if h.b.mode != modeList {
		t.Errorf("esc leaves the checklist: mode %d", h.b.mode)
	}
}

func TestBoardSaysWhenUpdatesStop(t *testing.T) {
	h := newBoardHarness(t)
	h.snapshot(class())
	h.send(snapshotsClosedMsg{})
	if !strings.Contains(h.view(), "not receiving updates") {
		t.Errorf("a closed subscription is not shown:\n%s", h.view())
	}
}

// hubClassroom is the board's Classroom over a real hub.
type hubClassroom struct {
	fakeClassroom
	hub *classroom.Hub
}

func (c *hubClassroom) Subscribe(ctx context.Context) <-chan classroom.Snapshot {
	return c.hub.Subscribe(ctx).C()
}

// TestBoardFollowsAHub wires the board to a real hub: a learner's verdict
// reaches the board's view within a second.
func TestBoardFollowsAHub(t *testing.T) {
	hub := classroom.New(classroom.Options{Workshop: "live"})
	defer hub.Close()
	room := &hubClassroom{hub: hub}
	b := NewBoard(context.Background(), room)
	b.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	ch := room.Subscribe(context.Background())
	_, next := b.Update(waitSnapshot(ch)())
	start := time.Now()
	if err := hub.Publish(classroom.Event{Learner: "ada", Kind: classroom.Verdict, Level: 30,
		Checks: level30Checks(check.Pass, check.Pass, check.Fail, check.Fail, check.Fail)}); err != nil {
		t.Fatal(err)
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- next() }()
	select {
	case msg := <-got:
		b.Update(msg)
	case <-time.After(time.Second):
		t.Fatal("the board got no snapshot within a second of the verdict")
	}
	if v := ansi.Strip(b.View().Content); !strings.Contains(v, "2/5") || !strings.Contains(v, "ada") {
		t.Errorf("the board does not show ada's verdict:\n%s", v)
	}
	t.Logf("verdict to board: %v", time.Since(start))
}
