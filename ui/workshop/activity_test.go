package workshop

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/levels/game"
)

// TestProgressIsActivity: a learner's `progress` command moves their last
// activity on the board, even while a terminal session of theirs keeps
// them connected (so no Connected event marks it).
func TestProgressIsActivity(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	hub := classroom.New(classroom.Options{Workshop: "ws", Now: func() time.Time { return now }})
	dir := t.TempDir()
	g, err := game.New(game.Options{Namespace: "ws-bob", StateDir: dir, ProgressPath: filepath.Join(dir, "progress.json"), Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	w := &Workshop{hub: hub, games: map[string]*game.Game{"bob": g}}
	w.Connected("bob")
	now = now.Add(time.Minute)
	if err := w.Progress(context.Background(), "bob", true, io.Discard); err != nil {
		t.Fatal(err)
	}
	r, ok := hub.Snapshot().Row("bob")
	if !ok || !r.LastActivity.Equal(now) {
		t.Fatalf("bob's row after progress: %+v (present %t), want last activity %v", r, ok, now)
	}
}
