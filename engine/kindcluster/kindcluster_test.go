package kindcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	kindexec "sigs.k8s.io/kind/pkg/exec"
	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/k8squest/k8squest/engine/cluster"
)

func TestUpCreatesWithGameKubeconfig(t *testing.T) {
	fake := &fakeKind{}
	p, evs := newTestProvider(t, fake, nil)
	c, err := p.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fake.creates != 1 || fake.createOps != 5 {
		t.Fatalf("creates=%d with %d options, want 1 with 5", fake.creates, fake.createOps)
	}
	want := filepath.Join(p.opts.StateDir, "kind", "kubeconfig")
	if c.Kubeconfig != want || c.Provider != "kind" || c.DNSAddr != "" || c.Domain != "cluster.local" {
		t.Fatalf("cluster %+v", c)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("game kubeconfig not written: %v", err)
	}
	assertNoUserKubeconfig(t)
	if len(*evs) != 2 || (*evs)[0].State != cluster.StepStarted || (*evs)[1].State != cluster.StepDone {
		t.Fatalf("events %+v, want started and done", *evs)
	}
}

func assertNoUserKubeconfig(t *testing.T) {
	t.Helper()
	home, _ := os.UserHomeDir()
	if _, err := os.Stat(filepath.Join(home, ".kube", "config")); !os.IsNotExist(err) {
		t.Fatalf("~/.kube/config was touched (stat err %v)", err)
	}
}

func TestUpReusesHealthyCluster(t *testing.T) {
	fake := &fakeKind{names: []string{"other", ClusterName}}
	p, _ := newTestProvider(t, fake, nil)
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fake.creates != 0 || len(fake.deletes) != 0 {
		t.Fatalf("creates=%d deletes=%q, want reuse", fake.creates, fake.deletes)
	}
	assertNoUserKubeconfig(t)
}

func TestUpReplacesUnhealthyCluster(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, _ := newTestProvider(t, fake, errDown)
	calls := 0
	p.ping = func(context.Context, *rest.Config) error {
		calls++
		if calls == 1 {
			return errDown
		}
		return nil
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fake.deletes) != 1 || fake.creates != 1 {
		t.Fatalf("deletes=%q creates=%d, want one of each", fake.deletes, fake.creates)
	}
}

func TestUpCancelledReturnsAtOnce(t *testing.T) {
	fake := &fakeKind{block: make(chan struct{})}
	defer close(fake.block)
	p, _ := newTestProvider(t, fake, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.Up(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}

func TestDownDeletesWithGameKubeconfig(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, _ := newTestProvider(t, fake, nil)
	if err := p.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := ClusterName + " " + p.KubeconfigPath()
	if len(fake.deletes) != 1 || fake.deletes[0] != want {
		t.Fatalf("deletes %q, want %q", fake.deletes, want)
	}
	if err := p.Down(context.Background()); err != nil || len(fake.deletes) != 1 {
		t.Fatalf("second Down: err=%v deletes=%q", err, fake.deletes)
	}
	assertNoUserKubeconfig(t)
}

func TestConnectWithoutClusterIsNotRunning(t *testing.T) {
	p, _ := newTestProvider(t, &fakeKind{}, nil)
	if _, err := p.Connect(context.Background()); !errors.Is(err, cluster.ErrNotRunning) {
		t.Fatalf("err = %v, want ErrNotRunning", err)
	}
}

func TestNoRuntimeIsClear(t *testing.T) {
	p, _ := newTestProvider(t, &fakeKind{}, nil)
	p.newAPI = func(kindlog.Logger) (kindAPI, error) { return nil, ErrNoContainerRuntime }
	_, err := p.Up(context.Background())
	if !errors.Is(err, ErrNoContainerRuntime) {
		t.Fatalf("err = %v", err)
	}
}

func TestListErrorShowsCommandOutput(t *testing.T) {
	err := withOutput(fmt.Errorf("list: %w", &kindexec.RunError{
		Command: []string{"docker", "ps"}, Output: []byte("Cannot connect to the Docker daemon\n"), Inner: errDown,
	}))
	var re *kindexec.RunError
	if !strings.Contains(err.Error(), "Cannot connect to the Docker daemon") || !errors.As(err, &re) {
		t.Fatalf("err = %v", err)
	}
}
