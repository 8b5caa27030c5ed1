package kindcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	kinderrors "sigs.k8s.io/kind/pkg/errors"
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

func TestUpKeepsUnhealthyClusterWithoutRecreate(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, _ := newTestProvider(t, fake, nil)
	withClientset(p, notReadyNode(ClusterName+"-control-plane"))
	_, err := p.Up(context.Background())
	var ue *UnhealthyError
	if !errors.Is(err, cluster.ErrUnhealthy) || !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an UnhealthyError", err)
	}
	for _, want := range []string{"node k8squest-control-plane is NotReady", "cni plugin not initialized", "--recreate", "k8squest cluster down"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}
	if len(fake.deletes) != 0 || fake.creates != 0 {
		t.Fatalf("deletes=%q creates=%d: an unhealthy cluster was replaced without asking", fake.deletes, fake.creates)
	}
}

func TestUpRecreatesUnhealthyClusterWhenTold(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, _ := newTestProvider(t, fake, nil)
	p.opts.Recreate = true
	withClientset(p, notReadyNode(ClusterName+"-control-plane"), dnsPod("coredns-1", true))
	fake.onCreate = func() { withClientset(p, readyNode(ClusterName+"-control-plane"), dnsPod("coredns-1", true)) }
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fake.deletes) != 1 || fake.creates != 1 {
		t.Fatalf("deletes=%q creates=%d, want one of each", fake.deletes, fake.creates)
	}
}

func TestUpStartsStoppedNodes(t *testing.T) {
	node := ClusterName + "-control-plane"
	fake := &fakeKind{names: []string{ClusterName}, states: map[string]string{node: "exited"}}
	p, evs := newTestProvider(t, fake, nil)
	cs := withClientset(p, readyNode(node), dnsPod("coredns-1", true))
	var up atomic.Bool
	fake.onStart = func() {
		up.Store(true)
		// The kubelet restarts CoreDNS once the node runs again.
		_, _ = cs.CoreV1().Pods(DNSNamespace).Update(context.Background(),
			runningDNSPod("coredns-1", time.Now().Add(time.Second)), metav1.UpdateOptions{})
	}
	p.ping = func(context.Context, *rest.Config) error {
		if !up.Load() {
			return errDown
		}
		return nil
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fake.deletes) != 0 || fake.creates != 0 || !slices.Equal(fake.started, []string{node}) {
		t.Fatalf("deletes=%q creates=%d started=%q, want the node started and nothing else", fake.deletes, fake.creates, fake.started)
	}
	if !hasEvent(*evs, stepStart, cluster.StepDone) {
		t.Fatalf("events %+v: no %q step", *evs, stepStart)
	}
}

func TestUpAfterStartWaitsForDNSToRunAgain(t *testing.T) {
	node := ClusterName + "-control-plane"
	fake := &fakeKind{names: []string{ClusterName}, states: map[string]string{node: "exited"}}
	p, evs := newTestProvider(t, fake, nil)
	// The API server still remembers CoreDNS as Ready from before the stop.
	cs := withClientset(p, readyNode(node), dnsPod("coredns-1", true))
	rep := p.opts.Reporter
	p.opts.Reporter = func(e cluster.Event) {
		rep(e)
		if e.Step == stepDNS && e.State == cluster.StepInfo {
			go func() {
				_, _ = cs.CoreV1().Pods(DNSNamespace).Update(context.Background(),
					runningDNSPod("coredns-1", time.Now().Add(time.Second)), metav1.UpdateOptions{})
			}()
		}
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := detailOf(*evs, stepDNS); !strings.Contains(d, "has not restarted since the node was started") {
		t.Fatalf("DNS detail %q: the stale Ready pod was taken for a running one", d)
	}
}

func TestUpGivesAStartingAPIServerTime(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, evs := newTestProvider(t, fake, nil)
	var calls atomic.Int32
	p.ping = func(context.Context, *rest.Config) error {
		if calls.Add(1) < 3 {
			return errDown
		}
		return nil
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fake.deletes) != 0 || fake.creates != 0 || !hasEvent(*evs, stepAPI, cluster.StepDone) {
		t.Fatalf("deletes=%q creates=%d events %+v", fake.deletes, fake.creates, *evs)
	}
}

func TestUpUnansweringAPIServerIsUnhealthy(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, _ := newTestProvider(t, fake, errDown)
	p.apiWait.budget = 300 * time.Millisecond
	_, err := p.Up(context.Background())
	if !errors.Is(err, cluster.ErrUnhealthy) || !strings.Contains(err.Error(), errDown.Error()) {
		t.Fatalf("err = %v, want unhealthy with the ping's error", err)
	}
	if len(fake.deletes) != 0 {
		t.Fatalf("deleted %q", fake.deletes)
	}
}

func TestUpFailedNodeStartIsUnhealthyWithOutput(t *testing.T) {
	node := ClusterName + "-control-plane"
	fake := &fakeKind{names: []string{ClusterName}, states: map[string]string{node: "exited"},
		startErr: withOutput(&kindexec.RunError{Command: []string{"docker", "start", node},
			Output: []byte("Error response from daemon: driver failed programming external connectivity"), Inner: errDown})}
	p, _ := newTestProvider(t, fake, nil)
	_, err := p.Up(context.Background())
	if !errors.Is(err, cluster.ErrUnhealthy) || !strings.Contains(err.Error(), "driver failed programming") {
		t.Fatalf("err = %v", err)
	}
}

func TestUpWaitsForClusterDNSAfterCreate(t *testing.T) {
	fake := &fakeKind{}
	p, evs := newTestProvider(t, fake, nil)
	cs := withClientset(p, readyNode(ClusterName+"-control-plane"), dnsPod("coredns-1", false))
	rep := p.opts.Reporter
	p.opts.Reporter = func(e cluster.Event) {
		rep(e)
		if e.Step == stepDNS && e.State == cluster.StepStarted {
			// CoreDNS becomes Ready only once the game waits for it.
			go func() {
				_, _ = cs.CoreV1().Pods(DNSNamespace).Update(context.Background(), dnsPod("coredns-1", true), metav1.UpdateOptions{})
			}()
		}
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !hasEvent(*evs, stepDNS, cluster.StepStarted) || !hasEvent(*evs, stepDNS, cluster.StepDone) {
		t.Fatalf("events %+v: no %q step", *evs, stepDNS)
	}
	if d := detailOf(*evs, stepDNS); !strings.Contains(d, "coredns-1 is Pending (ContainerCreating)") {
		t.Fatalf("DNS detail %q does not say why", d)
	}
}

func TestUpCreatedClusterWithoutDNSFails(t *testing.T) {
	fake := &fakeKind{}
	p, _ := newTestProvider(t, fake, nil)
	p.opts.WaitForReady = 300 * time.Millisecond
	withClientset(p, readyNode(ClusterName+"-control-plane"))
	_, err := p.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no cluster DNS pod") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectStoppedClusterIsNotRunning(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}, states: map[string]string{ClusterName + "-control-plane": "exited"}}
	p, _ := newTestProvider(t, fake, nil)
	_, err := p.Connect(context.Background())
	if !errors.Is(err, cluster.ErrNotRunning) || !strings.Contains(err.Error(), "k8squest-control-plane (exited)") {
		t.Fatalf("err = %v", err)
	}
	if len(fake.started) != 0 {
		t.Fatal("Connect started a node")
	}
}

func TestConnectHalfMadeClusterIsUnhealthy(t *testing.T) {
	fake := &fakeKind{names: []string{ClusterName}}
	p, _ := newTestProvider(t, fake, nil)
	withClientset(p, notReadyNode(ClusterName+"-control-plane"), dnsPod("coredns-1", false))
	if _, err := p.Connect(context.Background()); !errors.Is(err, cluster.ErrUnhealthy) {
		t.Fatalf("err = %v, want unhealthy", err)
	}
	withClientset(p, readyNode(ClusterName+"-control-plane"), dnsPod("coredns-1", false))
	_, err := p.Connect(context.Background())
	if !errors.Is(err, cluster.ErrUnhealthy) || !strings.Contains(err.Error(), "no cluster DNS pod is Ready") {
		t.Fatalf("err = %v, want DNS unhealthy", err)
	}
}

func TestCreateErrorShowsCommandOutput(t *testing.T) {
	run := &kindexec.RunError{Command: []string{"docker", "run"}, Output: []byte("docker: Error response from daemon: Conflict."), Inner: errDown}
	fake := &fakeKind{createErr: kinderrors.NewAggregate([]error{kinderrors.Wrap(run, "command failed"), errors.New("other node")})}
	p, _ := newTestProvider(t, fake, nil)
	_, err := p.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Conflict.") {
		t.Fatalf("err = %v, want kind's command output", err)
	}
}

func hasEvent(evs []cluster.Event, step string, st cluster.StepState) bool {
	return slices.ContainsFunc(evs, func(e cluster.Event) bool { return e.Step == step && e.State == st })
}

func detailOf(evs []cluster.Event, step string) string {
	for _, e := range evs {
		if e.Step == step && e.State == cluster.StepInfo {
			return e.Detail
		}
	}
	return ""
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
