package game

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels"
)

// TestConcurrentUseOnSim: the TUI, scripting commands and SSH sessions may
// call one game at once. Run under -race, it fails on any unguarded field;
// every call succeeds, and every start is counted once.
func TestConcurrentUseOnSim(t *testing.T) {
	simtest.Cluster(t)
	dir := t.TempDir()
	x, err := New(Options{Provider: "sim", StateDir: dir, ProgressPath: filepath.Join(dir, "progress.json")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	l, err := x.Level("21")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const workers, rounds = 6, 4
	errs := make(chan error, workers*rounds)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				errs <- x.useOnce(ctx, l, (w+r)%4)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st, err := x.Progress()
	if err != nil || st.Levels[21] == nil || st.Levels[21].Attempts != workers*rounds {
		t.Fatalf("progress %+v, %v; want %d attempts at level 21", st.Levels[21], err, workers*rounds)
	}
}

// openOnce connects and opens level l. Another caller's fresh connect may
// drop the connection in between: Open then says ErrNotConnected, and the
// caller connects again.
func (x *Game) openOnce(ctx context.Context, l *levels.Level) error {
	for range 20 {
		if _, err := x.Reach(ctx, nil, false); err != nil {
			return err
		}
		s, err := x.Open(ctx, l)
		if errors.Is(err, ErrNotConnected) {
			continue
		}
		if err == nil && s.Namespace() != l.Namespace {
			err = fmt.Errorf("session in %s, want %s", s.Namespace(), l.Namespace)
		}
		return err
	}
	return errors.New("open: still not connected after 20 connects")
}

// useOnce is one caller's turn: a fresh connect, a connect that keeps
// the cluster, a recreate (which sim ignores), or a session opened; then a
// start recorded.
func (x *Game) useOnce(ctx context.Context, l *levels.Level, kind int) error {
	var err error
	switch kind {
	case 0:
		_, err = x.Connect(ctx, func(cluster.Event) {})
	case 1:
		_, err = x.Reach(ctx, nil, false)
	case 2:
		_, err = x.Recreate(ctx, nil)
	default:
		err = x.openOnce(ctx, l)
	}
	if err == nil && x.Cluster() == nil {
		// Another caller's fresh connect may be between drop and done.
		_, err = x.Reach(ctx, nil, false)
	}
	if err != nil {
		return fmt.Errorf("caller kind %d: %w", kind, err)
	}
	return x.Started(l)
}
