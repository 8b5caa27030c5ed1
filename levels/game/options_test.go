package game

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newLearner builds a game for one learner, with its own namespace,
// progress file and state directory under root.
func newLearner(t *testing.T, root, name string) *Game {
	t.Helper()
	dir := filepath.Join(root, name)
	x, err := New(Options{Provider: "sim", Namespace: "ws-" + name, StateDir: dir, ProgressPath: filepath.Join(dir, "progress.json")})
	if err != nil {
		t.Fatalf("New for %s: %v", name, err)
	}
	t.Cleanup(x.Close)
	return x
}

// TestGamesKeepTheirOwnFiles: two games in one process, one per learner,
// play in their own namespaces and keep their own progress and player
// kubeconfigs; neither writes the user's own progress file.
func TestGamesKeepTheirOwnFiles(t *testing.T) {
	root := t.TempDir()
	user := filepath.Join(root, "user-progress.json")
	t.Setenv("K8SQUEST_PROGRESS", user)
	ann, bob := newLearner(t, root, "ann"), newLearner(t, root, "bob")
	l21, err := ann.Level("21")
	if err != nil {
		t.Fatal(err)
	}
	if err := ann.Started(l21); err != nil {
		t.Fatal(err)
	}
	if l21.Namespace != "ws-ann" {
		t.Fatalf("ann's level 21 plays in %q, want ws-ann", l21.Namespace)
	}
	st, err := bob.Progress()
	if err != nil || len(st.Levels) != 0 {
		t.Fatalf("bob's progress after ann started: %+v, %v; want none", st.Levels, err)
	}
	st, err = ann.Progress()
	if err != nil || st.Levels[21] == nil || st.Levels[21].Attempts != 1 {
		t.Fatalf("ann's progress: %+v, %v; want one attempt at 21", st.Levels, err)
	}
	if ann.ProgressPath() != filepath.Join(root, "ann", "progress.json") {
		t.Fatalf("ann's progress file %s", ann.ProgressPath())
	}
	if _, err := os.Stat(user); !os.IsNotExist(err) {
		t.Fatalf("the user's own progress file was touched: %v", err)
	}
	b21, _ := bob.Level("21")
	if got, want := bob.PlayerKubeconfigPath(b21), filepath.Join(root, "bob", "players", "ws-bob.kubeconfig"); got != want {
		t.Fatalf("bob's player kubeconfig %s, want %s", got, want)
	}
}

// TestDefaultsAreTheCLIs: without paths, the progress file is
// $K8SQUEST_PROGRESS and the player kubeconfigs are in the XDG state dir.
func TestDefaultsAreTheCLIs(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("K8SQUEST_PROGRESS", filepath.Join(state, "p.json"))
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := x.Level("30")
	if x.ProgressPath() != filepath.Join(state, "p.json") ||
		x.PlayerKubeconfigPath(l) != filepath.Join(state, "k8squest", "players", "k8squest.kubeconfig") {
		t.Fatalf("progress %s, player kubeconfig %s", x.ProgressPath(), x.PlayerKubeconfigPath(l))
	}
}

// TestBadNamespaceNamesTheFlag: a namespace that cannot be one is refused
// before anything loads, naming the flag.
func TestBadNamespaceNamesTheFlag(t *testing.T) {
	var notices bytes.Buffer
	_, err := New(Options{Namespace: "Not_A_Namespace", Notices: &notices})
	if err == nil || !strings.Contains(err.Error(), "--namespace") || !strings.Contains(err.Error(), "Not_A_Namespace") {
		t.Fatalf("New = %v, want an error naming --namespace and the value", err)
	}
}
