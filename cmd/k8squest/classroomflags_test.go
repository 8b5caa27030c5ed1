package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestParseLevels(t *testing.T) {
	exists := func(id int) bool { return id >= 1 && id <= 30 }
	got, err := parseLevels("21-23,25, 21", exists)
	if err != nil || !slices.Equal(got, []int{21, 22, 23, 25}) {
		t.Fatalf("parseLevels: %v %v", got, err)
	}
	for _, bad := range []string{"", "x", "30-21", "0", "29-31", "21-"} {
		_, err := parseLevels(bad, exists)
		if err == nil || !strings.Contains(err.Error(), "--levels") {
			t.Errorf("parseLevels(%q): %v, want an error naming --levels", bad, err)
		}
	}
}

// The sim listens on loopback only: --advertise is refused before the
// server opens a port, with the reason and the way out.
func TestServeAdvertiseRefusedOnSim(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "instructor.pub")
	pub, err := gossh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, gossh.MarshalAuthorizedKey(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	// Bounded: were --advertise ignored, the server would serve the sim.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = run(ctx, []string{"classroom", "serve", "--provider", "sim", "--advertise", "class.example",
		"--listen", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state"), "--instructor-keys", key}, strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "--advertise class.example") || !strings.Contains(err.Error(), "--provider kind") {
		t.Fatalf("err = %v, want --advertise refused on sim, naming --provider kind", err)
	}
	if strings.Contains(out.String(), "listening on") {
		t.Fatalf("the server listened anyway:\n%s", out.String())
	}
}

// A bad --learners is refused before anything starts, naming the flag.
func TestServeRefusesBadLearners(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for n, why := range map[string]string{"0": "--learners 0: want at least 1 learner", "-5": "--learners -5: want at least 1 learner",
		"many": `invalid argument "many" for "--learners" flag`} {
		var out, errb bytes.Buffer
		err := run(ctx, []string{"classroom", "serve", "--provider", "sim", "--learners", n,
			"--listen", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state")}, strings.NewReader(""), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("--learners %s: err = %v, want %q", n, err, why)
		}
		if strings.Contains(out.String(), "listening on") {
			t.Errorf("--learners %s: the server listened anyway:\n%s", n, out.String())
		}
	}
}

func TestServeLearnersDefaultsToFifty(t *testing.T) {
	c := newServeCmd(&globals{})
	if f := c.Flags().Lookup("learners"); f == nil || f.DefValue != "50" {
		t.Fatalf("--learners: %+v, want a flag defaulting to 50", f)
	}
}

// --shell-image takes image references and refuses what no registry
// would, naming the flag, before anything starts.
func TestServeShellImage(t *testing.T) {
	for _, ok := range []string{"", "registry.k8s.io/kubectl:v1.27.3", "bitnami/kubectl:1.27", "Registry.Example:5000/tools/kubectl@sha256:0123", "localhost:5000/k"} {
		if err := validImage(ok); err != nil {
			t.Errorf("validImage(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"kubectl 1.27", "Bitnami/kubectl:1.27", "-x", ":1.0"} {
		if err := validImage(bad); err == nil {
			t.Errorf("validImage(%q) accepted it", bad)
		}
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"classroom", "serve", "--provider", "sim", "--shell-image", "Bad Image",
		"--listen", "127.0.0.1:0", "--state-dir", filepath.Join(t.TempDir(), "state")}, strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), `--shell-image "Bad Image"`) {
		t.Errorf("--shell-image 'Bad Image': err = %v, want it named", err)
	}
	if strings.Contains(out.String(), "listening on") {
		t.Errorf("the server listened anyway:\n%s", out.String())
	}
}
