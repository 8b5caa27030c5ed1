package classroom

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// openSSH is OpenSSH's client set up for one learner: a key file, an
// askpass script that answers code and logs its prompts.
type openSSH struct {
	bin, key, askpass, prompts, host, port string
}

// newOpenSSH prepares the ssh client, failing the test if it is missing
// (apt-get install openssh-client).
func newOpenSSH(t *testing.T, addr, code string) *openSSH {
	t.Helper()
	bin, err := exec.LookPath("ssh")
	if err != nil {
		t.Fatalf("OpenSSH's ssh is not installed (apt-get install openssh-client): %v", err)
	}
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "learner")
	if err != nil {
		t.Fatal(err)
	}
	o := &openSSH{bin: bin, key: filepath.Join(dir, "id_ed25519"), askpass: filepath.Join(dir, "askpass"), prompts: filepath.Join(dir, "prompts")}
	if err := os.WriteFile(o.key, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + o.prompts + "'\necho '" + code + "'\n"
	if err := os.WriteFile(o.askpass, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	if o.host, o.port, err = net.SplitHostPort(addr); err != nil {
		t.Fatal(err)
	}
	return o
}

// command is ssh logging in as user and running args.
func (o *openSSH) command(user string, args ...string) *exec.Cmd {
	base := []string{"-F", "/dev/null", "-p", o.port, "-i", o.key,
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "PreferredAuthentications=publickey,keyboard-interactive",
		"-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10",
		user + "@" + o.host}
	cmd := exec.Command(o.bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "SSH_ASKPASS="+o.askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	return cmd
}

// TestOpenSSHAskpass: OpenSSH's client asks the join code at the
// keyboard-interactive prompt, SSH_ASKPASS answers it, and a command
// returns JSON; a wrong code, and a taken name, are refused with the
// server's message on ssh's standard error.
func TestOpenSSHAskpass(t *testing.T) {
	r := startRig(t, nil)
	o := newOpenSSH(t, r.addr, testCode)
	cmd := o.command("alice", "progress", "--json")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("ssh alice@ progress --json: %v\nstderr: %s", err, errOut.String())
	}
	var p map[string]any
	if err := json.Unmarshal(out.Bytes(), &p); err != nil || p["learner"] != "alice" {
		t.Fatalf("progress --json printed %q (%v)", out.String(), err)
	}
	prompts, err := os.ReadFile(o.prompts)
	if err != nil || !strings.Contains(string(prompts), "Join code:") {
		t.Fatalf("askpass prompts = %q (%v)", prompts, err)
	}

	wrong := newOpenSSH(t, r.addr, "NOT-THE-CODE")
	cmd = wrong.command("bob", "progress")
	errOut.Reset()
	cmd.Stderr = &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(errOut.String(), "wrong join code for workshop ws") {
		t.Fatalf("wrong code: %v, stderr %q", err, errOut.String())
	}
	thief := newOpenSSH(t, r.addr, testCode)
	cmd = thief.command("alice", "progress")
	errOut.Reset()
	cmd.Stderr = &errOut
	if err := cmd.Run(); !errors.As(err, &exit) || !strings.Contains(errOut.String(), `the name "alice" is taken`) {
		t.Fatalf("alice with another key: %v, stderr %q", err, errOut.String())
	}
}

// TestOpenSSHTerminal: `ssh -tt` gets the game's start screen over a real
// client's terminal, and q ends it. Its stdin is a pipe, so the client
// reports a 0×0 window: the game draws at 80×24 rather than nothing.
func TestOpenSSHTerminal(t *testing.T) {
	r := startRig(t, nil)
	o := newOpenSSH(t, r.addr, testCode)
	cmd := o.command("alice")
	cmd.Args = append(cmd.Args[:1], append([]string{"-tt"}, cmd.Args[1:]...)...)
	out, errOut := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	waitFor(t, "the start screen over OpenSSH", 15*time.Second, func() bool {
		return strings.Contains(out.String(), "Headless") && strings.Contains(out.String(), "fakecluster-alice")
	})
	if _, err := in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ssh -t after q: %v, stderr %q", err, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ssh -t did not end after q")
	}
}
