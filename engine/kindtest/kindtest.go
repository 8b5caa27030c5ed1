// Package kindtest gives the kind test suite (files built with the kind tag)
// the running kind cluster the game's own kind provider made, as simtest
// gives the sim suite its cluster. It never creates a cluster and never
// skips: with no cluster to connect to, the test fails and says how to get
// one (`make test-kind` makes one and deletes it afterwards).
//
// With $K8SQUEST_KIND_TEST_PROVIDER=current the same cluster is reached
// through the current provider, on the kubeconfig the kind provider wrote,
// so that one suite proves both providers.
package kindtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/currentcluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
)

// EnvProvider names the environment variable that picks the provider the
// suite connects through: kind (the default) or current.
const EnvProvider = "K8SQUEST_KIND_TEST_PROVIDER"

// ConnectTimeout bounds connecting to the running cluster.
const ConnectTimeout = 2 * time.Minute

var (
	once    sync.Once
	shared  *cluster.Cluster
	initErr error
)

// Cluster returns the running kind cluster, connected through the provider
// $K8SQUEST_KIND_TEST_PROVIDER names. It fails the test, never skips it,
// when there is none.
func Cluster(t testing.TB) *cluster.Cluster {
	t.Helper()
	c, err := get()
	if err != nil {
		t.Fatalf("kindtest: no kind cluster: %v\n(run `make test-kind`, or eval \"$(make -s kind-up)\" and "+
			"`go run ./cmd/k8squest cluster up --provider kind` first)", err)
	}
	return c
}

// Main connects before running the package's tests, for use as
// `func TestMain(m *testing.M) { kindtest.Main(m) }`. It exits 1 with the
// reason when no cluster can be had.
func Main(m *testing.M) {
	if _, err := get(); err != nil {
		fmt.Fprintf(os.Stderr, "kindtest: no kind cluster: %v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// Provider returns the game's kind provider on the default (XDG)
// directories `k8squest cluster up --provider kind` uses.
func Provider() *kindcluster.Provider {
	return kindcluster.New(kindcluster.Options{CreateOptions: kindcluster.CreateOptionsFromEnv()})
}

func get() (*cluster.Cluster, error) {
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ConnectTimeout)
		defer cancel()
		shared, initErr = Connect(ctx, strings.TrimSpace(os.Getenv(EnvProvider)))
	})
	return shared, initErr
}

// Connect connects to the running kind cluster through the provider called
// name: "" or "kind" for the kind provider, "current" for the current
// provider on the kind provider's kubeconfig.
func Connect(ctx context.Context, name string) (*cluster.Cluster, error) {
	c, err := Provider().Connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect through the kind provider: %w", err)
	}
	switch name {
	case "", kindcluster.Name:
		return c, nil
	case currentcluster.Name:
		dir, err := os.MkdirTemp("", "kindtest-current-")
		if err != nil {
			return nil, fmt.Errorf("state dir for the current provider: %w", err)
		}
		cc, err := currentcluster.New(currentcluster.Options{Kubeconfig: c.Kubeconfig, StateDir: dir}).Connect(ctx)
		if err != nil {
			return nil, fmt.Errorf("connect through the current provider on %s: %w", c.Kubeconfig, err)
		}
		return cc, nil
	default:
		return nil, fmt.Errorf("$%s=%q: want kind or current", EnvProvider, name)
	}
}
