package sim

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

// envListen names the port TestHelperListener listens on.
const envListen = "K8SQUEST_TEST_LISTEN"

// TestHelperListener is not a test: the process-control tests run the test
// binary as a stand-in for kwok, listening on a port until it is killed.
func TestHelperListener(t *testing.T) {
	port := os.Getenv(envListen)
	if port == "" {
		t.Skip("helper process for the process-control tests")
	}
	// A restart may find the port in TIME_WAIT for a moment.
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err == nil {
			for {
				c, err := ln.Accept()
				if err == nil {
					_ = c.Close()
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeCluster records one helper process as the cluster's kwok.
func fakeCluster(t *testing.T) (*Provider, int) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(envListen, strconv.Itoa(port))
	p := New(Options{StateDir: t.TempDir(), CacheDir: t.TempDir(), ReadyTimeout: 20 * time.Second})
	l := p.layout()
	if err := os.MkdirAll(l.logs(), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"-test.run=^TestHelperListener$", "-test.count=1"}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s, err := startProc(ProcKwok, bin, l.log(ProcKwok), args)
	if err != nil {
		t.Fatal(err)
	}
	st := &State{Started: time.Now(), Ports: Ports{Kwok: port}, Ready: true, Kubeconfig: l.kubeconfig(),
		Procs: []Proc{s.Proc}, Args: map[string][]string{ProcKwok: args}}
	if err := saveState(l, st); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	waitFor(t, "the helper to listen", func() bool { return dialOK(port) })
	return p, port
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func kwokProc(t *testing.T, p *Provider) Proc {
	t.Helper()
	st, err := p.State()
	if err != nil || st == nil {
		t.Fatalf("state: %v %v", st, err)
	}
	return st.Procs[procIndex(st, ProcKwok)]
}

func TestKillAndRestart(t *testing.T) {
	p, port := fakeCluster(t)
	ctx := context.Background()
	first := kwokProc(t, p)

	if err := p.Kill(ctx, ProcKwok); err != nil {
		t.Fatal(err)
	}
	if procAlive(first) {
		t.Fatalf("pid %d still alive after Kill", first.PID)
	}
	if got := kwokProc(t, p); got.PID != 0 || got.Binary != first.Binary {
		t.Errorf("state after Kill records %+v, want pid 0 and the same binary", got)
	}
	if _, err := p.Connect(ctx); !errors.Is(err, cluster.ErrNotRunning) {
		t.Errorf("Connect after Kill = %v, want ErrNotRunning", err)
	}
	if err := p.Kill(ctx, ProcKwok); err != nil {
		t.Errorf("killing a dead process again: %v", err)
	}

	if err := p.Restart(ctx, ProcKwok); err != nil {
		t.Fatal(err)
	}
	second := kwokProc(t, p)
	if second.PID == 0 || second.PID == first.PID || !procAlive(second) {
		t.Fatalf("after Restart the state records %+v (was pid %d)", second, first.PID)
	}
	if !dialOK(port) {
		t.Errorf("Restart returned before the process listened (pid %d alive: %v)", second.PID, procAlive(second))
	}
	if got := procCmdline(t, second.PID); got != procCmdlineWant(second.Binary) {
		t.Errorf("restarted with %q, want %q", got, procCmdlineWant(second.Binary))
	}

	// Restarting a live process replaces it.
	if err := p.Restart(ctx, ProcKwok); err != nil {
		t.Fatal(err)
	}
	third := kwokProc(t, p)
	if third.PID == second.PID || procAlive(second) || !procAlive(third) {
		t.Errorf("restart of a live process: old %+v alive=%v, new %+v alive=%v", second, procAlive(second), third, procAlive(third))
	}
}

func procCmdlineWant(bin string) string {
	return bin + " -test.run=^TestHelperListener$ -test.count=1"
}

func procCmdline(t *testing.T, pid int) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	out := []byte{}
	for _, b := range data[:len(data)-1] {
		if b == 0 {
			b = ' '
		}
		out = append(out, b)
	}
	return string(out)
}

func TestKillUnknownProcess(t *testing.T) {
	p, _ := fakeCluster(t)
	for _, f := range []func(context.Context, string) error{p.Kill, p.Restart} {
		if err := f(context.Background(), "kube-proxy"); !errors.Is(err, ErrNoSuchProcess) {
			t.Errorf("err = %v, want ErrNoSuchProcess", err)
		}
	}
}

func TestKillWithoutCluster(t *testing.T) {
	p := New(Options{StateDir: t.TempDir(), CacheDir: t.TempDir()})
	for _, f := range []func(context.Context, string) error{p.Kill, p.Restart} {
		if err := f(context.Background(), ProcAPIServer); !errors.Is(err, cluster.ErrNotRunning) {
			t.Errorf("err = %v, want ErrNotRunning", err)
		}
	}
}

func TestRestartReportsAnEarlyExit(t *testing.T) {
	p, _ := fakeCluster(t)
	ctx := context.Background()
	if err := p.Kill(ctx, ProcKwok); err != nil {
		t.Fatal(err)
	}
	st, _ := p.State()
	st.Args[ProcKwok] = []string{"-test.run=^$"} // runs no test and exits at once
	if err := saveState(p.layout(), st); err != nil {
		t.Fatal(err)
	}
	if err := p.Restart(ctx, ProcKwok); !errors.Is(err, ErrProcessExited) {
		t.Errorf("err = %v, want ErrProcessExited", err)
	}
}

func TestArgsFallBackToThisBuild(t *testing.T) {
	p := New(Options{StateDir: t.TempDir()})
	st := &State{Ports: Ports{API: 6443, Etcd: 2379}}
	for _, name := range []string{ProcEtcd, ProcAPIServer, ProcController, ProcScheduler, ProcKwok, ProcCoreDNS} {
		args, err := p.argsOf(st, name)
		if err != nil || len(args) == 0 {
			t.Errorf("%s: %v %v", name, args, err)
		}
	}
	if _, err := p.argsOf(st, "kube-proxy"); !errors.Is(err, ErrNoSuchProcess) {
		t.Errorf("kube-proxy: %v", err)
	}
}
