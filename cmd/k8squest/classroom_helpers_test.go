package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/k8squest/k8squest/ui/classroom/sshtest"

	room "github.com/k8squest/k8squest/ui/classroom"
	"github.com/k8squest/k8squest/ui/workshop"
)

// classCode is the join code of the classroom tests.
const classCode = "CLASS-CODE-4242"

// class is a classroom server on sim, on an ephemeral loopback port.
type class struct {
	w       *workshop.Workshop
	addr    string
	teacher gossh.Signer
	keys    map[string]gossh.Signer
	stop    func()
}

// newSigner returns a fresh ed25519 key.
func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	return sshtest.NewKey(t)
}

// workshopName is a fresh workshop name, so tests sharing the sim
// cluster never meet.
func workshopName(t testing.TB) string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "cr" + hex.EncodeToString(b)
}

// startClass opens a workshop in dir and serves it until the test ends.
func startClass(t testing.TB, ws, dir string, teacher gossh.Signer) *class {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w, err := workshop.Open(ctx, workshop.Options{Provider: "sim", Workshop: ws, StateDir: dir, Offered: []int{30}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := w.Capacity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "instructor.pub")
	if err := os.WriteFile(keyFile, gossh.MarshalAuthorizedKey(teacher.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := room.ReadKeys(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := room.DefaultConfig()
	cfg.Listen, cfg.StateDir, cfg.Workshop, cfg.JoinCode, cfg.InstructorKeys = "127.0.0.1:0", dir, ws, classCode, keys
	cfg.Learners, cfg.Instructor, cfg.Presence, cfg.MaxLearners = w, w, w, plan.Learners
	srv, err := room.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	sctx, scancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	c := &class{w: w, addr: ln.Addr().String(), teacher: teacher, keys: map[string]gossh.Signer{}}
	c.stop = func() {
		scancel()
		if err := <-done; err != nil {
			t.Errorf("Serve = %v", err)
		}
		w.Close()
	}
	t.Cleanup(c.stop)
	return c
}

// dialClass logs in to addr as user with key and the join code.
func dialClass(t testing.TB, addr, user string, key gossh.Signer) (*gossh.Client, error) {
	t.Helper()
	cfg := &gossh.ClientConfig{
		User: user,
		Auth: []gossh.AuthMethod{gossh.PublicKeys(key), gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
			a := make([]string, len(qs))
			for i := range a {
				a[i] = classCode
			}
			return a, nil
		})},
		HostKeyCallback: func(string, net.Addr, gossh.PublicKey) error { return nil },
		Timeout:         10 * time.Second,
	}
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, nil
}

// learner logs in as name, with name's key (made on first use).
func (c *class) learner(t testing.TB, name string) *gossh.Client {
	t.Helper()
	if c.keys[name] == nil {
		c.keys[name] = newSigner(t)
	}
	cl, err := dialClass(t, c.addr, name, c.keys[name])
	if err != nil {
		t.Fatalf("log in as %s: %v", name, err)
	}
	return cl
}

// instructor logs in with the instructor's key.
func (c *class) instructor(t testing.TB) *gossh.Client {
	t.Helper()
	cl, err := dialClass(t, c.addr, room.InstructorUser, c.teacher)
	if err != nil {
		t.Fatalf("log in as the instructor: %v", err)
	}
	return cl
}

// runSSH runs cmd over c.
func runSSH(t testing.TB, c *gossh.Client, cmd string) sshtest.Result {
	t.Helper()
	return sshtest.Run(t, c, cmd)
}

// mustSSH runs cmd and fails the test unless it exits 0.
func mustSSH(t testing.TB, c *gossh.Client, cmd string) string {
	t.Helper()
	r := runSSH(t, c, cmd)
	if r.Status != 0 {
		t.Fatalf("%q exited %d:\n%s%s", cmd, r.Status, r.Stdout, r.Stderr)
	}
	return r.Stdout
}

// waitUntil polls cond every 100 ms until it holds or d passes.
func waitUntil(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
