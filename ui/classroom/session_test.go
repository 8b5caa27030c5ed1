package classroom

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	gossh "golang.org/x/crypto/ssh"
)

// sgrColour matches an SGR sequence that sets a colour.
var sgrColour = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7])[0-9;]*m`)

// TestTerminalReachesStartScreen: a learner's terminal session runs the
// game on their own backend, reaches the world map, answers keys and
// ends when the learner quits; colours follow TERM, and NO_COLOR turns
// them off as it does locally.
func TestTerminalReachesStartScreen(t *testing.T) {
	r := startRig(t, nil)
	for _, tc := range []struct {
		name    string
		env     map[string]string
		colours bool
	}{
		{"colour", nil, true},
		{"no-color", map[string]string{"NO_COLOR": "1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := r.mustDial(t, login{"alice", r.keyOf(t, "alice"), testCode})
			tm := openTerminal(t, c, 100, 30, tc.env)
			tm.waitOutput(t, "k8squest", "fakecluster-alice", "Headless", "StatefulSet", "XP")
			if got := sgrColour.MatchString(tm.out.String()); got != tc.colours {
				t.Fatalf("colour sequences present = %t, want %t", got, tc.colours)
			}
			if _, err := tm.in.Write([]byte("q")); err != nil {
				t.Fatal(err)
			}
			if st := tm.wait(t, 10*time.Second); st != 0 {
				t.Fatalf("exit status after q = %d, stderr %q", st, tm.errOut.String())
			}
		})
	}
}

// keyOf returns one key per name for the whole test.
func (r *rig) keyOf(t *testing.T, name string) gossh.Signer {
	t.Helper()
	if r.keys == nil {
		r.keys = map[string]gossh.Signer{}
	}
	if r.keys[name] == nil {
		r.keys[name] = newKey(t)
	}
	return r.keys[name]
}

// TestInstructorTerminalRunsTheBoard: the instructor's terminal session
// runs the board.
func TestInstructorTerminalRunsTheBoard(t *testing.T) {
	r := startRig(t, nil)
	c := r.mustDial(t, login{InstructorUser, r.teacher, ""})
	tm := openTerminal(t, c, 80, 24, nil)
	tm.waitOutput(t, "INSTRUCTOR-BOARD")
	if _, err := tm.in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if st := tm.wait(t, 10*time.Second); st != 0 {
		t.Fatalf("exit status = %d", st)
	}
}

// TestCommands: commands without a terminal reach the learner's game with
// their arguments; progress --json returns JSON; check's status follows
// the verdict; bad usage is status 2 with the list of commands.
func TestCommands(t *testing.T) {
	r := startRig(t, nil)
	c := r.mustDial(t, login{"alice", newKey(t), testCode})
	got := run(t, c, "progress --json")
	var p map[string]any
	if err := json.Unmarshal([]byte(got.Stdout), &p); err != nil || got.Status != 0 {
		t.Fatalf("progress --json = %+v (%v)", got, err)
	}
	if p["learner"] != "alice" || p["json"] != true {
		t.Fatalf("progress --json = %v", p)
	}
	if got := run(t, c, "check 30 --json"); got.Status != 0 || !strings.Contains(got.Stdout, `"passed":true`) {
		t.Fatalf("check 30 = %+v", got)
	}
	if got := run(t, c, "check 21"); got.Status != 1 {
		t.Fatalf("check 21 (not passing) = %+v, want status 1", got)
	}
	if got := run(t, c, "kubeconfig"); got.Status != 0 || !strings.Contains(got.Stdout, "namespace ws-alice") {
		t.Fatalf("kubeconfig = %+v", got)
	}
	for cmd, want := range map[string]string{
		"start":         "start takes 1 argument(s), got 0",
		"start x":       `level "x" is not a level number`,
		"check 30 --js": "check has no flag --js",
		"bash":          `unknown command "bash"`,
	} {
		got := run(t, c, cmd)
		if got.Status != 2 || !strings.Contains(got.Stderr, want) || !strings.Contains(got.Stderr, "progress [--json]") {
			t.Fatalf("%q = %+v, want status 2 and %q", cmd, got, want)
		}
	}
	want := []string{"progress alice json=true", "check alice 30 json=true", "check alice 21 json=false", "kubeconfig alice"}
	if calls := r.learners.seen(); strings.Join(calls, ";") != strings.Join(want, ";") {
		t.Fatalf("calls = %q, want %q", calls, want)
	}
}

// TestOpenErrorIsShown: when the game cannot take the learner (the
// cluster is full), the terminal session says why.
func TestOpenErrorIsShown(t *testing.T) {
	r := startRig(t, nil)
	c := r.mustDial(t, login{"late", newKey(t), testCode})
	tm := openTerminal(t, c, 80, 24, nil)
	if st := tm.wait(t, 10*time.Second); st != 1 || !strings.Contains(tm.errOut.String(), "the cluster holds 2 learners") {
		t.Fatalf("status %d, stderr %q", st, tm.errOut.String())
	}
}

// TestTerminalResize: a window change reaches the game, which draws its
// frame again at the new width.
func TestTerminalResize(t *testing.T) {
	r := startRig(t, nil)
	c := r.mustDial(t, login{"alice", newKey(t), testCode})
	tm := openTerminal(t, c, 100, 30, map[string]string{"NO_COLOR": "1"})
	tm.waitOutput(t, "Headless")
	border := func(w int) string { return "╭" + strings.Repeat("─", w-6) + "╮" } // the box less the frame
	tm.waitScreen(t, 100, 30, border(100))
	if err := tm.s.WindowChange(30, 120); err != nil {
		t.Fatal(err)
	}
	tm.waitScreen(t, 120, 30, border(120))
}

// waitScreen waits until the w×h screen the output draws holds every line.
func (tm *terminal) waitScreen(t *testing.T, w, h int, lines ...string) {
	t.Helper()
	var last string
	defer func() {
		if t.Failed() {
			t.Logf("the screen:\n%s", last)
		}
	}()
	waitFor(t, "the screen to show "+strings.Join(lines, ", "), 15*time.Second, func() bool {
		last = newScreen(w, h).replay(tm.out.String()).String()
		for _, l := range lines {
			if !strings.Contains("\n"+strings.ReplaceAll(last, "\n", " \n")+" ", " "+l+" ") {
				return false
			}
		}
		return true
	})
}

// TestGoldenLearnerScreen: the screen a learner sees over SSH once the
// game is up, as the terminal draws it (regenerate with -update).
func TestGoldenLearnerScreen(t *testing.T) {
	r := startRig(t, nil)
	c := r.mustDial(t, login{"alice", newKey(t), testCode})
	tm := openTerminal(t, c, 100, 30, map[string]string{"NO_COLOR": "1"})
	tm.waitScreen(t, 100, 30, "cluster: fakecluster-alice")
	tm.waitOutput(t, "enter briefing")
	tm.requireGolden(t, 100, 30)
}

// requireGolden compares the w×h screen the terminal's output draws with
// the test's golden file, and logs the raw output when they differ.
func (tm *terminal) requireGolden(t *testing.T, w, h int) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("raw %q", tm.out.String())
		}
	}()
	scr := newScreen(w, h).replay(tm.out.String())
	if len(scr.unknown) > 0 {
		t.Fatalf("the screen replayer does not know %q: teach it (screen_test.go)", scr.unknown)
	}
	golden.RequireEqual(t, []byte(scr.String()+"\n"))
}
