package classroom

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/progress"
)

// waitRoster polls the roster file until ok holds, failing after bound.
func waitRoster(t *testing.T, path string, bound time.Duration, ok func([]Row) bool) []Row {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		rows, _, err := LoadRoster(path)
		if err != nil {
			t.Fatalf("load roster: %v", err)
		}
		if ok(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("roster %s: no matching state within %v (last %+v)", path, bound, rows)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRosterRebuildsAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.json")
	h := New(Options{Workshop: "w", StatePath: path, Now: func() time.Time { return t0 }})
	for _, e := range []Event{
		{Learner: "ada", Kind: Connected},
		{Learner: "ada", Kind: LevelStarted, Level: 30},
		{Learner: "ada", Kind: Verdict, Level: 30, Checks: checks(check.Pass, check.Fail)},
		{Learner: "ada", Kind: HintUsed},
	} {
		if err := h.Publish(e); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = h.Broadcast("hello")
	rows := waitRoster(t, path, time.Second, func(rs []Row) bool { return len(rs) == 1 && rs[0].Hints == 1 })
	h.Close()

	h2 := newHub(t, Options{})
	rows2, msg, err := LoadRoster(path)
	if err != nil {
		t.Fatal(err)
	}
	h2.Seed(rows2, msg)
	r, _ := h2.Snapshot().Row("ada")
	if r.Connected || r.Sessions != 0 || r.Level != 30 || r.Passing != 1 || r.Total != 2 || r.Hints != 1 || !r.Started.Equal(t0) || len(r.Checks) != 2 {
		t.Errorf("rebuilt row: %+v (saved %+v)", r, rows[0])
	}
	if s := h2.Snapshot(); s.Message == nil || s.Message.Text != "hello" {
		t.Errorf("rebuilt broadcast: %+v", s.Message)
	}
}

// TestRosterSurvivesKill9 kills a process that keeps changing its roster,
// at a random moment, and reads what it left: one whole roster, never half.
func TestRosterSurvivesKill9(t *testing.T) {
	if path := os.Getenv("CLASSROOM_ROSTER_CHILD"); path != "" {
		publishForever(path)
		return
	}
	path := filepath.Join(t.TempDir(), "roster.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRosterSurvivesKill9$")
	cmd.Env = append(os.Environ(), "CLASSROOM_ROSTER_CHILD="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitRoster(t, path, 10*time.Second, func(rs []Row) bool { return len(rs) == 50 && rs[0].Total > 20 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	rows, _, err := LoadRoster(path)
	if err != nil || len(rows) != 50 {
		t.Fatalf("after kill -9: %d rows, %v; want 50 and no error", len(rows), err)
	}
	left, _ := filepath.Glob(path + ".tmp-*")
	t.Logf("rows 50, level-30 checks of the first: %d, temp files left: %d", rows[0].Total, len(left))
}

// publishForever is the child of TestRosterSurvivesKill9.
func publishForever(path string) {
	h := New(Options{StatePath: path, Window: time.Millisecond})
	for i := 0; ; i++ {
		n := 1 + i/50%200
		cs := make([]Check, n)
		for j := range cs {
			cs[j] = Check{ID: fmt.Sprint(j), Title: strings.Repeat("t", 40), Status: check.Pass}
		}
		_ = h.Publish(Event{Learner: fmt.Sprintf("l%02d", i%50), Kind: Verdict, Level: 30, Checks: cs})
	}
}

func TestLoadRosterSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	if rows, msg, err := LoadRoster(filepath.Join(dir, "none.json")); err != nil || rows != nil || msg != nil {
		t.Errorf("a missing roster: %v, %v, %v; want empty", rows, msg, err)
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte("{"), 0o600)
	if _, _, err := LoadRoster(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a broken roster: %v, want an error naming the file", err)
	}
	newer := filepath.Join(dir, "newer.json")
	_ = os.WriteFile(newer, []byte(`{"schema":9,"learners":[]}`), 0o600)
	if _, _, err := LoadRoster(newer); err == nil || !strings.Contains(err.Error(), "field schema is 9") {
		t.Errorf("a roster of another schema: %v", err)
	}
}

func TestSeedProgress(t *testing.T) {
	h := newHub(t, Options{})
	st := progress.State{Levels: map[int]*progress.Level{
		21: {Completed: true, BestXP: 100, Completions: 2, LastPlayed: t0},
		30: {Attempts: 1, LastPlayed: t0.Add(time.Hour)},
	}}
	h.SeedProgress("ada", st)
	r, _ := h.Snapshot().Row("ada")
	if r.XP != 100 || r.Completions != 2 || r.Level != 30 || r.Done() || !r.LastActivity.Equal(t0.Add(time.Hour)) || r.Connected {
		t.Errorf("seeded row: %+v", r)
	}
	_ = h.Publish(Event{Learner: "bo", Kind: LevelStarted, Level: 22, At: t0.Add(2 * time.Hour)})
	h.SeedProgress("bo", st)
	r, _ = h.Snapshot().Row("bo")
	if r.Level != 22 || r.XP != 100 || !r.LastActivity.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("a row with a level keeps it and its later activity: %+v", r)
	}
}

func TestFailedSaveIsTriedAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "later")
	path := filepath.Join(dir, "roster.json")
	errs := make(chan error, 10)
	h := newHub(t, Options{StatePath: path, OnSaveError: func(err error) {
		select {
		case errs <- err:
		default:
		}
	}})
	_ = h.Publish(Event{Learner: "ada", Kind: Connected})
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "later") {
			t.Errorf("save error %v does not name the directory", err)
		}
	case <-time.After(time.Second):
		t.Fatal("no save error with the directory missing")
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	waitRoster(t, path, 3*saveRetry, func(rs []Row) bool { return len(rs) == 1 })
}
