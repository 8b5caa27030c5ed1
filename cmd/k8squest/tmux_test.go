package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/simtest"
)

// tmuxTerm is the real k8squest binary running in a detached tmux session.
type tmuxTerm struct {
	t       *testing.T
	session string
}

// buildBinary compiles the command under test once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "k8squest")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build k8squest: %v\n%s", err, out)
	}
	return bin
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed; the end-to-end test needs it (apt-get install %s)", name, name)
	}
	return p
}

func startTerm(t *testing.T, env []string, command string) *tmuxTerm {
	t.Helper()
	needTool(t, "tmux")
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tm := &tmuxTerm{t: t, session: "k8squest-e2e-" + hex.EncodeToString(b)}
	args := []string{"new-session", "-d", "-s", tm.session, "-x", "110", "-y", "40"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", tm.session).Run() })
	return tm
}

func (tm *tmuxTerm) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", tm.session).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitFor polls the screen until it shows every part, or fails the test
// with the last screen.
func (tm *tmuxTerm) waitFor(timeout time.Duration, parts ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	var s string
	for time.Now().Before(deadline) {
		s = tm.screen()
		if containsAll(s, parts) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("after %s the screen does not show %q:\n%s", timeout, parts, s)
	return s
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	args := append([]string{"send-keys", "-t", tm.session}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// shellReady waits until a shell owns the terminal: it types a marker
// command until the marker's output shows (keys typed while the game is
// still handing the terminal over may be lost).
func (tm *tmuxTerm) shellReady() {
	tm.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && strings.Contains(tm.screen(), "more keys") {
		time.Sleep(100 * time.Millisecond) // the game's help bar is still drawn
	}
	for time.Now().Before(deadline) {
		tm.keys("echo shell-$((40+2))", "Enter")
		time.Sleep(500 * time.Millisecond)
		if strings.Contains(tm.screen(), "shell-42") {
			return
		}
	}
	tm.t.Fatalf("no shell answered:\n%s", tm.screen())
}

func (tm *tmuxTerm) panePID() string {
	out, err := exec.Command("tmux", "display-message", "-p", "-t", tm.session, "#{pane_pid}").Output()
	if err != nil {
		tm.t.Fatalf("tmux pane pid: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestPlayLevel30InTmux drives the real binary: open level 30, fix it with
// kubectl from a second shell, watch the checklist go green, the drill run,
// the score and the debrief; then check that progress survives a quit, a
// kill -9 and a restart, and that a replay does not pay twice.
func TestPlayLevel30InTmux(t *testing.T) {
	c := simtest.Cluster(t)
	kubectl := needTool(t, "kubectl")
	bin := buildBinary(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	ns := "e2e-" + hex.EncodeToString(b)
	progress := filepath.Join(t.TempDir(), "progress.json")
	env := []string{"K8SQUEST_PROVIDER=sim", "K8SQUEST_PROGRESS=" + progress}
	t.Cleanup(func() { runCmd(t, env, bin, "teardown", "30", "-n", ns) })

	tm := startTerm(t, env, fmt.Sprintf("%s play 30 -n %s; echo EXITED $?; sleep 60", bin, ns))
	tm.waitFor(30*time.Second, "LEVEL 30", "namespace "+ns, "enter start level")
	tm.keys("Enter")
	tm.waitFor(60*time.Second, "Checks", "✗ web-cluster hands out no shared address", "one virtual IP")

	kc := "--kubeconfig=" + c.Kubeconfig
	runCmd(t, nil, kubectl, kc, "-n", ns, "delete", "svc", "web-cluster")
	runCmd(t, nil, kubectl, kc, "-n", ns, "apply", "-f", "../../content/world-3/30-headless-dns/solution.yaml")

	s := tm.waitFor(60*time.Second, "Level 30 complete", "First completion: +300 XP", "What the checks saw")
	if strings.Contains(s, "✗") {
		t.Errorf("the result screen of a completed level shows a failing check:\n%s", s)
	}
	t.Logf("result screen:\n%s", s)
	tm.keys("Enter")
	// The debrief opens with this play's field notes, then the level's own text.
	tm.waitFor(20*time.Second, "On your cluster", "Broken: clusterIP", "debrief")
	tm.keys("G")
	tm.waitFor(10*time.Second, "Your database cluster will thank you", "100%")
	tm.keys("Escape")
	tm.waitFor(10*time.Second, "Kubernetes, learned by fixing a real cluster", "★ 300 XP")
	// q quits once the finished level's namespace is gone (the namespace
	// controller takes about 10 s on sim), not before.
	tm.keys("q")
	tm.waitFor(90*time.Second, "EXITED 0")

	if xp := totalXP(t, env, bin); xp != 300 {
		t.Fatalf("after quitting, progress says %d XP, want 300", xp)
	}

	// Crash: kill -9 the game mid-level, then restart it.
	tm2 := startTerm(t, env, fmt.Sprintf("%s play 30 -n %s", bin, ns))
	tm2.waitFor(30*time.Second, "enter start level")
	_ = exec.Command("kill", "-9", tm2.panePID()).Run()
	if xp := totalXP(t, env, bin); xp != 300 {
		t.Fatalf("after kill -9, progress says %d XP, want 300", xp)
	}

	// Replay the level to completion, this time fixing it from the shell the
	// game opens (the player's identity, defaulting to the level's
	// namespace): no XP is added a second time.
	solution, err := filepath.Abs("../../content/world-3/30-headless-dns/solution.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tm3 := startTerm(t, append(env, "SHELL=/bin/sh"), fmt.Sprintf("%s play 30 -n %s; echo EXITED $?; sleep 60", bin, ns))
	tm3.waitFor(30*time.Second, "enter start level")
	tm3.keys("Enter")
	tm3.waitFor(60*time.Second, "✗ web-cluster hands out no shared address")
	tm3.keys("s")
	tm3.shellReady()
	tm3.keys(fmt.Sprintf("kubectl auth whoami -o jsonpath='{.status.userInfo.username}{\"\\n\"}'; kubectl delete svc web-cluster && kubectl apply -f %s", solution), "Enter")
	tm3.waitFor(30*time.Second, "system:serviceaccount:k8squest-players:player-"+ns, "service/web-cluster created")
	tm3.keys("exit", "Enter")
	tm3.waitFor(60*time.Second, "Level 30 complete", "Replay: best result kept, no XP added.")
	if xp := totalXP(t, env, bin); xp != 300 {
		t.Fatalf("after a replay, progress says %d XP, want 300 (paid once)", xp)
	}
}

func runCmd(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func totalXP(t *testing.T, env []string, bin string) int {
	t.Helper()
	var p struct {
		TotalXP int `json:"totalXP"`
	}
	out := runCmd(t, env, bin, "progress", "--json")
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("progress --json is not JSON: %v\n%s", err, out)
	}
	return p.TotalXP
}
