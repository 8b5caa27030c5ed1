package progress

import (
	"path/filepath"
	"testing"
	"time"
)

// TestInPlayIsTheLevelStartedAndNotDone: the progress file says which
// level a player left in play, and when they started it, across a reopen.
func TestInPlayIsTheLevelStartedAndNotDone(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	s := Open(p)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return t0 }
	if _, _, err := s.Start(29); err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return t0.Add(time.Minute) }
	if _, _, _, err := s.Complete(Completion{Level: 29, XP: 100}); err != nil {
		t.Fatal(err)
	}
	st, _, _ := Open(p).Load()
	if l, _, ok := st.InPlay(); ok {
		t.Fatalf("level %d in play after its completion", l)
	}
	s.now = func() time.Time { return t0.Add(2 * time.Minute) }
	if _, _, err := s.Start(30); err != nil {
		t.Fatal(err)
	}
	st, _, _ = Open(p).Load()
	l, started, ok := st.InPlay()
	if !ok || l != 30 || !started.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("in play: level %d started %v ok %t, want 30 started %v", l, started, ok, t0.Add(2*time.Minute))
	}
}
