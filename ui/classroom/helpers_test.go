package classroom

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/k8squest/k8squest/ui/classroom/sshtest"
)

// testCode is the join code of every test server.
const testCode = "TEST-CODE-1234"

// rig is a server on an ephemeral loopback port with fake game.
type rig struct {
	srv        *Server
	addr       string
	cfg        Config
	learners   *fakeLearners
	instructor *fakeInstructor
	teacher    gossh.Signer
	keys       map[string]gossh.Signer
}

// newKey returns a fresh ed25519 key.
func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	return sshtest.NewKey(t)
}

// testConfig is a configuration for a server in dir, with teacher as the
// instructor's key.
func testConfig(dir string, teacher gossh.PublicKey, l *fakeLearners, in *fakeInstructor) Config {
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.StateDir = dir
	cfg.Workshop = "ws"
	cfg.JoinCode = testCode
	cfg.InstructorKeys = &KeySet{}
	cfg.InstructorKeys.add(teacher)
	cfg.Learners, cfg.Instructor = l, in
	return cfg
}

// startRig starts a server; tune adjusts its configuration.
func startRig(t testing.TB, tune func(*Config)) *rig {
	t.Helper()
	r := &rig{learners: &fakeLearners{}, instructor: &fakeInstructor{}, teacher: newKey(t)}
	r.cfg = testConfig(t.TempDir(), r.teacher.PublicKey(), r.learners, r.instructor)
	if tune != nil {
		tune(&r.cfg)
	}
	r.serve(t)
	return r
}

// serve starts r's server from r.cfg and stops it when the test ends.
func (r *rig) serve(t testing.TB) {
	t.Helper()
	srv, err := New(r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve = %v", err)
		}
	})
	r.srv, r.addr = srv, ln.Addr().String()
}

// login is what a client presents.
type login struct {
	user string
	key  gossh.Signer
	code string
}

// result is what a client saw while logging in.
type dialed struct {
	client  *gossh.Client
	banners string
	// prompts are the keyboard-interactive questions asked.
	prompts []string
	// hostKey is the key the server presented.
	hostKey gossh.PublicKey
}

// dial logs in; the error is the handshake's.
func (r *rig) dial(t testing.TB, l login) (*dialed, error) {
	t.Helper()
	return dialAddr(t, r.addr, l)
}

// dialAddr logs in to addr.
func dialAddr(t testing.TB, addr string, l login) (*dialed, error) {
	t.Helper()
	d := &dialed{}
	var mu sync.Mutex
	var auth []gossh.AuthMethod
	if l.key != nil {
		auth = append(auth, gossh.PublicKeys(l.key))
	}
	auth = append(auth, gossh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		d.prompts = append(d.prompts, questions...)
		answers := make([]string, len(questions))
		for i := range answers {
			answers[i] = l.code
		}
		return answers, nil
	}))
	cfg := &gossh.ClientConfig{
		User: l.user, Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error {
			d.hostKey = k
			return nil
		},
		BannerCallback: func(msg string) error {
			mu.Lock()
			defer mu.Unlock()
			d.banners += msg
			return nil
		},
		Timeout: 10 * time.Second,
	}
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return d, err
	}
	t.Cleanup(func() { _ = c.Close() })
	d.client = c
	return d, nil
}

// mustDial logs in or fails the test.
func (r *rig) mustDial(t testing.TB, l login) *gossh.Client {
	t.Helper()
	d, err := r.dial(t, l)
	if err != nil {
		t.Fatalf("log in as %s: %v (banners %q)", l.user, err, d.banners)
	}
	return d.client
}

// refused logs in, expects a refusal and returns the banners shown.
func (r *rig) refused(t testing.TB, l login) string {
	t.Helper()
	d, err := r.dial(t, l)
	if err == nil {
		t.Fatalf("log in as %s succeeded, want it refused", l.user)
	}
	return d.banners
}

// run runs one command over c.
func run(t testing.TB, c *gossh.Client, cmd string) sshtest.Result {
	t.Helper()
	return sshtest.Run(t, c, cmd)
}

// syncBuffer is a buffer written by one goroutine and read by another.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// terminal is an interactive session with a PTY.
type terminal struct {
	s      *gossh.Session
	in     interface{ Write([]byte) (int, error) }
	out    *syncBuffer
	errOut *syncBuffer
	done   chan error
}

// openTerminal starts an interactive session of w×h with env set.
func openTerminal(t testing.TB, c *gossh.Client, w, h int, env map[string]string) *terminal {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for k, v := range env {
		if err := s.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatalf("request a pty: %v", err)
	}
	tm := &terminal{s: s, out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan error, 1)}
	s.Stdout, s.Stderr = tm.out, tm.errOut
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	tm.in = in
	if err := s.Shell(); err != nil {
		t.Fatalf("start the shell: %v", err)
	}
	go func() { tm.done <- s.Wait() }()
	return tm
}

// waitOutput waits until the terminal's output holds every word.
func (tm *terminal) waitOutput(t testing.TB, words ...string) {
	t.Helper()
	waitFor(t, "the screen to show "+strings.Join(words, ", "), 15*time.Second, func() bool {
		out := tm.out.String()
		for _, w := range words {
			if !strings.Contains(out, w) {
				return false
			}
		}
		return true
	})
}

// wait waits for the session to end and returns its exit status.
func (tm *terminal) wait(t testing.TB, d time.Duration) int {
	t.Helper()
	select {
	case err := <-tm.done:
		var exit *gossh.ExitError
		if errors.As(err, &exit) {
			return exit.ExitStatus()
		}
		if err != nil {
			t.Fatalf("session: %v", err)
		}
		return 0
	case <-time.After(d):
		t.Fatalf("the session did not end within %s; output %q", d, tm.out.String())
	}
	return -1
}
