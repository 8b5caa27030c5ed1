package classroom

import (
	"encoding/json"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestJoinCode: the learner's key plus the right join code logs in, and
// the prompt was the join code's; a wrong code is refused and says so.
func TestJoinCode(t *testing.T) {
	r := startRig(t, nil)
	d, err := r.dial(t, login{"alice", newKey(t), "test-code-1234"})
	if err != nil {
		t.Fatalf("right code (typed in lowercase): %v (banners %q)", err, d.banners)
	}
	if len(d.prompts) != 1 || d.prompts[0] != "Join code: " {
		t.Fatalf("prompts = %q, want one join code prompt", d.prompts)
	}
	banners := r.refused(t, login{"bob", newKey(t), "WRONG-CODE"})
	if !strings.Contains(banners, "wrong join code for workshop ws") {
		t.Fatalf("wrong code's message = %q", banners)
	}
	if r.srv.Roster().Has("bob") {
		t.Fatal("a wrong code bound bob's name")
	}
}

// TestKeyIsNeeded: a learner without a key cannot log in with the code
// alone, and is told to make a key.
func TestKeyIsNeeded(t *testing.T) {
	r := startRig(t, nil)
	banners := r.refused(t, login{"alice", nil, testCode})
	if !strings.Contains(banners, "ssh-keygen") {
		t.Fatalf("message = %q, want it to say how to make a key", banners)
	}
}

// TestNameBinding: the first session binds the name to its key, on disk;
// the same name with another key is refused with a clear message; the
// first key keeps logging in.
func TestNameBinding(t *testing.T) {
	r := startRig(t, nil)
	alice := newKey(t)
	r.mustDial(t, login{"alice", alice, testCode})
	data, err := os.ReadFile(r.cfg.rosterPath())
	if err != nil {
		t.Fatalf("roster after the first login: %v", err)
	}
	var doc rosterDoc
	if err := json.Unmarshal(data, &doc); err != nil || doc.Learners["alice"] == nil {
		t.Fatalf("roster = %s (%v), want alice in it", data, err)
	}
	banners := r.refused(t, login{"alice", newKey(t), testCode})
	if !strings.Contains(banners, `the name "alice" is taken`) {
		t.Fatalf("message = %q", banners)
	}
	r.mustDial(t, login{"alice", alice, testCode})
	fi, err := os.Stat(r.cfg.rosterPath())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("roster mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// TestBadNames: a name that cannot make a namespace is refused with a
// message that says what is wrong.
func TestBadNames(t *testing.T) {
	r := startRig(t, nil)
	long := strings.Repeat("a", 61) // "ws-" + 61 = 64 > 63
	for name, want := range map[string]string{
		"Alice": `(try "alice")`,
		"a_b":   `'_' is not allowed`,
		"-bob":  "must start and end",
		long:    "at most 60 fit",
	} {
		t.Run(name, func(t *testing.T) {
			banners := r.refused(t, login{name, newKey(t), testCode})
			if !strings.Contains(banners, want) {
				t.Fatalf("message = %q, want %q", banners, want)
			}
		})
	}
}

// TestInstructorAuthorization: the instructor's key logs in as
// instructor without the join code; a learner's key cannot, even one
// bound in the roster; a learner running an instructor's command is
// refused, and the instructor's commands reach the game.
func TestInstructorAuthorization(t *testing.T) {
	r := startRig(t, nil)
	teacher := r.mustDial(t, login{InstructorUser, r.teacher, ""})
	if got := run(t, teacher, "status --json"); got.Status != 0 || !strings.Contains(got.Stdout, "learners") {
		t.Fatalf("instructor's status = %+v", got)
	}
	alice := newKey(t)
	learner := r.mustDial(t, login{"alice", alice, testCode})
	banners := r.refused(t, login{InstructorUser, alice, testCode})
	if !strings.Contains(banners, "only an instructor's key") {
		t.Fatalf("learner key as instructor: message %q", banners)
	}
	for _, cmd := range []string{"status --json", "end --yes", "broadcast hi", "reset alice 30", "export --format csv"} {
		got := run(t, learner, cmd)
		if got.Status != 1 || !strings.Contains(got.Stderr, `instructor's command, and you are logged in as learner "alice"`) {
			t.Fatalf("learner ran %q: %+v", cmd, got)
		}
	}
	if got := run(t, teacher, "progress --json"); got.Status != 1 || !strings.Contains(got.Stderr, "learner's command") {
		t.Fatalf("instructor ran progress: %+v", got)
	}
	if got := run(t, teacher, "reset alice 30"); got.Status != 0 {
		t.Fatalf("reset alice 30: %+v", got)
	}
	if got := run(t, teacher, "reset carol 30"); got.Status != 1 || !strings.Contains(got.Stderr, `no learner "carol"`) {
		t.Fatalf("reset of an unknown learner: %+v", got)
	}
	want := []string{"status json=true", "reset alice 30"}
	if got := r.instructor.seen(); strings.Join(got, ";") != strings.Join(want, ";") {
		t.Fatalf("instructor calls = %q, want %q", got, want)
	}
}

// TestRateLimit: wrong join codes from one address use up its tokens;
// then even the right code is refused, with the wait, until a token comes
// back.
func TestRateLimit(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	r := startRig(t, func(c *Config) {
		c.AuthBurst, c.AuthRefill, c.Now = 2, time.Minute, clock.Now
	})
	for range 2 {
		r.refused(t, login{"mallory", newKey(t), "GUESS-0000"})
	}
	banners := r.refused(t, login{"alice", newKey(t), testCode})
	if !strings.Contains(banners, "too many wrong join codes from 127.0.0.1: try again in 1m0s") {
		t.Fatalf("message = %q", banners)
	}
	clock.advance(time.Minute)
	r.mustDial(t, login{"alice", newKey(t), testCode})
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestWorkshopFull: beyond the learners the cluster holds, a new name is
// refused at login with a message, and not bound; those who joined keep
// logging in.
func TestWorkshopFull(t *testing.T) {
	r := startRig(t, func(c *Config) { c.MaxLearners = 1 })
	alice := newKey(t)
	r.mustDial(t, login{"alice", alice, testCode})
	banners := r.refused(t, login{"bob", newKey(t), testCode})
	if !strings.Contains(banners, "workshop ws is full: the cluster holds 1 learners and 1 have joined") {
		t.Fatalf("message = %q", banners)
	}
	if r.srv.Roster().Has("bob") {
		t.Fatal("bob was bound beyond the limit")
	}
	r.mustDial(t, login{"alice", alice, testCode})
}

// TestHandshakeTimeout: a client that connects and never logs in is cut
// off after the handshake timeout.
func TestHandshakeTimeout(t *testing.T) {
	r := startRig(t, func(c *Config) { c.HandshakeTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, conn)
	if err != nil {
		t.Fatalf("the server kept a silent client for 15s: %v", err)
	}
}

// TestConnectionCap: beyond the cap a new connection is closed at once,
// before the handshake; when one closes, there is room again.
func TestConnectionCap(t *testing.T) {
	r := startRig(t, func(c *Config) { c.MaxConnections = 2 })
	greets := func(conn net.Conn) bool {
		if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 16)
		_, err := io.ReadFull(conn, buf)
		return err == nil && strings.HasPrefix(string(buf), "SSH-2.0-k8squest")
	}
	var held []net.Conn
	for range 2 {
		conn, err := net.Dial("tcp", r.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if !greets(conn) {
			t.Fatal("a connection within the cap got no SSH greeting")
		}
		held = append(held, conn)
	}
	extra, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	if greets(extra) {
		t.Fatal("a third connection was served with a cap of 2")
	}
	held[0].Close()
	waitFor(t, "a place to free up", 10*time.Second, func() bool {
		conn, err := net.Dial("tcp", r.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return greets(conn)
	})
}
