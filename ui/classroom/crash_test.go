package classroom

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// helperDirEnv, when set, makes the test binary a server process on that
// state directory instead of running tests: the process
// TestRosterSurvivesKill9 kills.
const helperDirEnv = "K8SQUEST_CLASSROOM_HELPER_DIR"

// TestMain runs the tests, or the server process when helperDirEnv is set.
func TestMain(m *testing.M) {
	if dir := os.Getenv(helperDirEnv); dir != "" {
		if err := serveHelper(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// wish's Bubble Tea middleware logs every program a session's end
	// stopped to charm's default logger; the tests end many on purpose.
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// serveHelper serves from dir until killed, printing its address first.
func serveHelper(dir string) error {
	pub, err := os.ReadFile(filepath.Join(dir, "teacher.pub"))
	if err != nil {
		return err
	}
	teacher, _, _, _, err := gossh.ParseAuthorizedKey(pub)
	if err != nil {
		return err
	}
	srv, err := New(testConfig(dir, teacher, &fakeLearners{}, &fakeInstructor{}))
	if err != nil {
		return err
	}
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	fmt.Printf("ADDR %s\n", ln.Addr())
	return srv.Serve(context.Background(), ln)
}

// startChild starts a server process on dir and returns its address.
func startChild(t testing.TB, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(30 * time.Second):
		t.Fatalf("the server process printed no address in 30s; stderr %q", stderr.String())
	}
	return nil, ""
}

// TestRosterSurvivesKill9: a server process killed with SIGKILL right
// after binding a name loses nothing: the next server on the same state
// directory keeps the binding and the host key.
func TestRosterSurvivesKill9(t *testing.T) {
	dir := t.TempDir()
	teacher := newKey(t)
	if err := os.WriteFile(filepath.Join(dir, "teacher.pub"), gossh.MarshalAuthorizedKey(teacher.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	alice := newKey(t)
	first, addr := startChild(t, dir)
	d, err := dialAddr(t, addr, login{"alice", alice, testCode})
	if err != nil {
		t.Fatalf("alice joins: %v (%q)", err, d.banners)
	}
	hostKey := d.hostKey
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()

	_, addr = startChild(t, dir)
	thief, err := dialAddr(t, addr, login{"alice", newKey(t), testCode})
	if err == nil || !strings.Contains(thief.banners, `the name "alice" is taken`) {
		t.Fatalf("another key as alice after the restart: err %v, banners %q", err, thief.banners)
	}
	again, err := dialAddr(t, addr, login{"alice", alice, testCode})
	if err != nil {
		t.Fatalf("alice after the restart: %v", err)
	}
	if !bytes.Equal(again.hostKey.Marshal(), hostKey.Marshal()) {
		t.Fatal("the host key changed across the restart")
	}
	if got := run(t, again.client, "progress --json"); got.Status != 0 {
		t.Fatalf("progress after the restart: %+v", got)
	}
}

// TestRosterCrashLeftovers: a temporary file left by a crash in the middle
// of a write is ignored; a roster that does not parse is an error naming
// the file, never a fresh start that would hand names to anyone.
func TestRosterCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "roster-ws.json")
	r, err := OpenRoster(path, "ws")
	if err != nil {
		t.Fatal(err)
	}
	alice := newKey(t).PublicKey()
	if err := r.Bind("alice", alice, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".roster-ws.json.tmp-123"), []byte(`{"schema":1,"lear`), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err = OpenRoster(path, "ws")
	if err != nil || r.Check("alice", newKey(t).PublicKey()) == nil {
		t.Fatalf("roster after a crashed write: %v, alice free to take", err)
	}
	if _, err := OpenRoster(path, "other"); err == nil || !strings.Contains(err.Error(), `workshop "ws"'s, not "other"'s`) {
		t.Fatalf("another workshop's roster: %v", err)
	}
	if err := os.WriteFile(path, []byte(`{"schema":1,"lear`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRoster(path, "ws"); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("corrupt roster: %v, want an error naming %s", err, path)
	}
}

// TestHostKeyKept: the host key is generated once, mode 0600, and kept;
// a key readable by others is refused.
func TestHostKeyKept(t *testing.T) {
	dir := t.TempDir()
	teacher := newKey(t).PublicKey()
	cfg := testConfig(dir, teacher, &fakeLearners{}, &fakeInstructor{})
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(cfg.hostKeyPath())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.HostKey().Marshal(), b.HostKey().Marshal()) {
		t.Fatal("a second server made a new host key")
	}
	if err := os.Chmod(cfg.hostKeyPath(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable host key: %v", err)
	}
}
