package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/k8squest/k8squest/engine/simtest"
)

// listening finds the address in the server's first line.
var listening = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

// serveArgs are the arguments of a `classroom serve` on sim in dir.
func serveArgs(ws, dir string) []string {
	return []string{"classroom", "serve", "--provider", "sim", "--listen", "127.0.0.1:0", "--workshop", ws,
		"--state-dir", filepath.Join(dir, "state"), "--instructor-keys", filepath.Join(dir, "instructor.pub"),
		"--join-code", classCode}
}

// writeInstructorKey writes teacher's public key where serveArgs reads it.
func writeInstructorKey(t testing.TB, dir string, teacher gossh.Signer) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "instructor.pub"), gossh.MarshalAuthorizedKey(teacher.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startServe runs the real binary's `classroom serve` and returns the
// process and the address it listens on.
func startServe(t testing.TB, bin string, args []string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncWriter
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(2 * time.Minute):
		t.Fatalf("classroom serve printed no address in 2 minutes; stderr:\n%s", stderr.String())
	}
	return nil, ""
}

// TestClassroomServeSurvivesKill9OnSim: the real server, killed with
// SIGKILL while a learner plays level 30 and restarted on the same state
// directory, keeps the roster (the name stays bound to its key), the
// learner's progress and the board's row.
func TestClassroomServeSurvivesKill9OnSim(t *testing.T) {
	admin := simtest.Clientset(t, simtest.Cluster(t))
	bin := buildBinary(t)
	dir, ws := t.TempDir(), workshopName(t)
	teacher, alice, bob := newSigner(t), newSigner(t), newSigner(t)
	writeInstructorKey(t, dir, teacher)
	t.Cleanup(func() { cleanLearners(admin, ws, []string{"alice"}) })

	cmd, addr := startServe(t, bin, serveArgs(ws, dir))
	cl, err := dialClass(t, addr, "alice", alice)
	if err != nil {
		t.Fatal(err)
	}
	mustSSH(t, cl, "start 30")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, addr = startServe(t, bin, serveArgs(ws, dir))
	if _, err := dialClass(t, addr, "alice", bob); err == nil {
		t.Fatal("after the restart, alice logged in with another key: the roster was lost")
	}
	cl, err = dialClass(t, addr, "alice", alice)
	if err != nil {
		t.Fatalf("after the restart, alice cannot log in: %v", err)
	}
	var st struct {
		Levels map[string]struct {
			Attempts  int       `json:"attempts"`
			StartedAt time.Time `json:"startedAt"`
		}
	}
	out := mustSSH(t, cl, "progress --json")
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Levels["30"].Attempts != 1 || st.Levels["30"].StartedAt.IsZero() {
		t.Fatalf("alice's progress after the restart: %s (%v), want level 30 started once", out, err)
	}
	inst, err := dialClass(t, addr, "instructor", teacher)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := status(t, inst)["alice"]; !ok || r.Level != 30 {
		t.Fatalf("the board after the restart: alice %+v (present %t), want on level 30", r, ok)
	}
	mustSSH(t, inst, "end --yes")
}

// TestClassroomServeOpenSSHInTmux: `k8squest classroom serve` in one tmux
// window, OpenSSH's `ssh -tt` in another, the join code typed by
// SSH_ASKPASS: the learner's terminal shows the game's world map.
func TestClassroomServeOpenSSHInTmux(t *testing.T) {
	admin := simtest.Clientset(t, simtest.Cluster(t))
	needTool(t, "ssh")
	bin := buildBinary(t)
	dir, ws := t.TempDir(), workshopName(t)
	writeInstructorKey(t, dir, newSigner(t))
	t.Cleanup(func() { cleanLearners(admin, ws, []string{"alice"}) })
	key := filepath.Join(dir, "alice")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	askpass := filepath.Join(dir, "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho "+classCode+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}

	server := startTerm(t, nil, strings.Join(append([]string{bin}, serveArgs(ws, dir)...), " ")+"; sleep 60")
	s := server.waitFor(2*time.Minute, "join code: "+classCode, "learners:   ssh -p")
	m := regexp.MustCompile(`learners:   ssh -p (\d+) NAME@127\.0\.0\.1`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("the server's screen gives no ssh line:\n%s", s)
	}
	ssh := fmt.Sprintf("ssh -tt -p %s -i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes alice@127.0.0.1", m[1], key)
	learner := startTerm(t, []string{"SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", "TERM=xterm-256color"}, ssh+"; sleep 60")
	learner.waitFor(60*time.Second, "World 3 · Networking & Services")
}

// syncWriter is a buffer the child's stderr fills while the test reads it.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write implements io.Writer.
func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// String returns what was written.
func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
