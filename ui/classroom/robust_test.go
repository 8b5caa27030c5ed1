package classroom

import (
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
)

// TestSessionCap: beyond the cap a learner's session is refused with a
// message; the instructor still gets in; once a session ends there is
// room again.
func TestSessionCap(t *testing.T) {
	r := startRig(t, func(c *Config) { c.MaxSessions = 1 })
	alice := r.mustDial(t, login{"alice", newKey(t), testCode})
	tm := openTerminal(t, alice, 80, 24, nil)
	tm.waitOutput(t, "Headless")
	bob := r.mustDial(t, login{"bob", newKey(t), testCode})
	if got := run(t, bob, "progress"); got.Status != 1 || !strings.Contains(got.Stderr, "the classroom is full: 1 sessions are open") {
		t.Fatalf("bob beyond the cap: %+v", got)
	}
	teacher := r.mustDial(t, login{InstructorUser, r.teacher, ""})
	if got := run(t, teacher, "status"); got.Status != 0 {
		t.Fatalf("instructor beyond the cap: %+v", got)
	}
	if _, err := tm.in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	tm.wait(t, 10*time.Second)
	waitFor(t, "alice's session to close", 10*time.Second, func() bool { return r.srv.Sessions() == 0 })
	if got := run(t, bob, "progress"); got.Status != 0 {
		t.Fatalf("bob after alice left: %+v", got)
	}
}

// TestIdleTimeout: a terminal session without a key pressed is ended,
// with a message that the level is kept.
func TestIdleTimeout(t *testing.T) {
	r := startRig(t, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
	c := r.mustDial(t, login{"alice", newKey(t), testCode})
	tm := openTerminal(t, c, 80, 24, nil)
	if st := tm.wait(t, 15*time.Second); st != 1 {
		t.Fatalf("exit status = %d, want 1", st)
	}
	if !strings.Contains(tm.errOut.String(), "disconnected after 300ms without a key pressed") {
		t.Fatalf("stderr = %q", tm.errOut.String())
	}
}

// TestMaxSession: any session ends at the maximum length.
func TestMaxSession(t *testing.T) {
	r := startRig(t, func(c *Config) { c.MaxSession = 300 * time.Millisecond })
	c := r.mustDial(t, login{"alice", newKey(t), testCode})
	tm := openTerminal(t, c, 80, 24, nil)
	if st := tm.wait(t, 15*time.Second); st != 1 || !strings.Contains(tm.errOut.String(), "longest a session may last, 300ms") {
		t.Fatalf("exit status %d, stderr %q", st, tm.errOut.String())
	}
}

// TestReconnectReplaces: a learner who connects again while an old
// terminal session lingers (a dropped laptop) takes the game over.
func TestReconnectReplaces(t *testing.T) {
	r := startRig(t, nil)
	key := newKey(t)
	old := openTerminal(t, r.mustDial(t, login{"alice", key, testCode}), 80, 24, nil)
	old.waitOutput(t, "Headless")
	fresh := openTerminal(t, r.mustDial(t, login{"alice", key, testCode}), 80, 24, nil)
	if st := old.wait(t, 10*time.Second); st != 1 || !strings.Contains(old.errOut.String(), "moved there") {
		t.Fatalf("old session: status %d, stderr %q", st, old.errOut.String())
	}
	fresh.waitOutput(t, "Headless")
}

// TestPanicIsolation: a panic in one session's handler is recovered: that
// session ends with an error, another learner's open game goes on, and
// the server takes new sessions.
func TestPanicIsolation(t *testing.T) {
	logged := &syncBuffer{}
	r := startRig(t, func(c *Config) { c.Log = log.New(logged) })
	alice := openTerminal(t, r.mustDial(t, login{"alice", newKey(t), testCode}), 80, 24, nil)
	alice.waitOutput(t, "Headless")
	boomer := r.mustDial(t, login{"boom", newKey(t), testCode})
	if got := run(t, boomer, "progress"); got.Status != 1 || !strings.Contains(got.Stderr, "internal error in this session") {
		t.Fatalf("panicking command: %+v", got)
	}
	if l := logged.String(); !strings.Contains(l, "panic in a session") || !strings.Contains(l, "the game broke for boom") {
		t.Fatalf("log = %q, want the panic in it", l)
	}
	crashed := openTerminal(t, boomer, 80, 24, nil)
	if st := crashed.wait(t, 10*time.Second); st != 1 {
		t.Fatalf("panicking terminal session: status %d", st)
	}
	if got := run(t, r.mustDial(t, login{"bob", newKey(t), testCode}), "progress"); got.Status != 0 {
		t.Fatalf("a new session after the panics: %+v", got)
	}
	mark := len(alice.out.String())
	if _, err := alice.in.Write([]byte("?")); err != nil { // the full help
		t.Fatal(err)
	}
	waitFor(t, "alice's game to answer a key", 10*time.Second, func() bool {
		return strings.Contains(alice.out.String()[mark:], "quit now")
	})
}

// presence records Connected and Disconnected.
type presence struct {
	mu     sync.Mutex
	events []string
}

func (p *presence) Connected(name string)    { p.add("+" + name) }
func (p *presence) Disconnected(name string) { p.add("-" + name) }

func (p *presence) add(e string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, e)
}

func (p *presence) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.events, " ")
}

// TestPresence: the first session of a learner connects them, the last
// one to end disconnects them; the instructor does not count.
func TestPresence(t *testing.T) {
	p := &presence{}
	r := startRig(t, func(c *Config) { c.Presence = p })
	c := r.mustDial(t, login{"alice", newKey(t), testCode})
	tm := openTerminal(t, c, 80, 24, nil)
	tm.waitOutput(t, "Headless")
	run(t, c, "progress")
	run(t, r.mustDial(t, login{InstructorUser, r.teacher, ""}), "status")
	if got := p.String(); got != "+alice" {
		t.Fatalf("events with alice playing = %q", got)
	}
	if _, err := tm.in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	tm.wait(t, 10*time.Second)
	waitFor(t, "alice to be disconnected", 10*time.Second, func() bool { return p.String() == "+alice -alice" })
}
