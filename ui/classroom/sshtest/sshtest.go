// Package sshtest holds what tests of the classroom's SSH server share:
// running one command over a real SSH client, and fresh keys.
package sshtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// Result is one finished command over SSH.
type Result struct {
	Stdout, Stderr string
	// Status is the command's exit status.
	Status int
}

// Run runs cmd in a new session of c and returns what it wrote and its
// exit status; a session that ends without one fails the test.
func Run(t testing.TB, c *gossh.Client, cmd string) Result {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr = &out, &errOut
	err = s.Run(cmd)
	r := Result{Stdout: out.String(), Stderr: errOut.String()}
	var exit *gossh.ExitError
	switch {
	case errors.As(err, &exit):
		r.Status = exit.ExitStatus()
	case err != nil:
		t.Fatalf("run %q: %v", cmd, err)
	}
	return r
}

// NewKey returns a fresh ed25519 key, as a learner's or instructor's.
func NewKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
