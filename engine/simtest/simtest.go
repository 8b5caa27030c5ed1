// Package simtest gives integration tests one shared sim cluster: the running
// one when there is one, else a fresh one started (and left running) through
// the sim provider's state-dir lock, so concurrent test packages are safe.
// Tests never skip: a missing cluster or binary fails the test with a reason.
package simtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/sim"
)

// UpTimeout bounds bringing the shared cluster up, including a cold build of
// every binary (about 10 minutes on two cores).
const UpTimeout = 20 * time.Minute

var (
	once    sync.Once
	shared  *cluster.Cluster
	initErr error
)

// Cluster returns the shared sim cluster, starting it if needed. It fails
// the test, never skips it, when no cluster can be had.
func Cluster(t testing.TB) *cluster.Cluster {
	t.Helper()
	c, err := get()
	if err != nil {
		t.Fatalf("simtest: no sim cluster: %v\n(run `make test`, or `go run ./cmd/k8squest cluster up --provider sim` first)", err)
	}
	return c
}

// Main brings the shared cluster up before running the package's tests, for
// use as `func TestMain(m *testing.M) { simtest.Main(m) }`. It exits 1 with
// the reason when no cluster can be had.
func Main(m *testing.M) {
	if _, err := get(); err != nil {
		fmt.Fprintf(os.Stderr, "simtest: no sim cluster: %v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// Provider returns the sim provider on the default (XDG) directories that
// the shared cluster lives in; progress goes to stderr.
func Provider() *sim.Provider {
	return sim.New(sim.Options{Reporter: stderrReporter})
}

func get() (*cluster.Cluster, error) {
	once.Do(func() { shared, initErr = connectOrUp() })
	return shared, initErr
}

func connectOrUp() (*cluster.Cluster, error) {
	ctx, cancel := context.WithTimeout(context.Background(), UpTimeout)
	defer cancel()
	p := Provider()
	if c, err := p.Connect(ctx); err == nil {
		return c, nil
	}
	c, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the shared sim cluster: %w", err)
	}
	return c, nil
}

func stderrReporter(e cluster.Event) {
	fmt.Fprintf(os.Stderr, "simtest: %s %s %s\n", e.Step, e.State, e.Detail)
}
