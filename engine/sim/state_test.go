package sim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

func TestStateRoundTrip(t *testing.T) {
	l := layout{t.TempDir()}
	if st, err := loadState(l); st != nil || err != nil {
		t.Fatalf("empty dir: %v, %v", st, err)
	}
	want := &State{Started: time.Now().Round(time.Second), Ports: Ports{API: 6443, DNS: 5353},
		Procs: []Proc{{Name: "etcd", PID: 42, Binary: "/bin/etcd"}}, Kubeconfig: "/k", Ready: true}
	if err := saveState(l, want); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(l)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Started.Equal(want.Started) || got.Ports != want.Ports || got.Procs[0] != want.Procs[0] || !got.Ready {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if err := os.WriteFile(l.state(), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadState(l); err == nil {
		t.Error("a corrupt state.json loaded without error")
	}
}

func TestClearStateKeepsLock(t *testing.T) {
	l := layout{t.TempDir()}
	fl, err := lockState(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock(fl)
	_ = os.MkdirAll(l.logs(), 0o755)
	_ = os.WriteFile(l.state(), []byte("{}"), 0o600)
	if err := clearState(l); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(l.dir)
	if len(entries) != 1 || entries[0].Name() != "lock" {
		t.Errorf("after clear: %v", entries)
	}
}

func TestLockWaits(t *testing.T) {
	l := layout{t.TempDir()}
	fl, err := lockState(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	if _, err := lockState(ctx, l, nil); err == nil {
		t.Fatal("a second lock was granted while the first is held")
	}
	go func() { time.Sleep(300 * time.Millisecond); _ = fl.Unlock() }()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	fl2, err := lockState(ctx2, l, nil)
	if err != nil {
		t.Fatalf("second lock after release: %v", err)
	}
	_ = fl2.Unlock()
}

func TestProcAlive(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	argv0, _ := os.ReadFile("/proc/self/cmdline")
	me := strings.SplitN(string(argv0), "\x00", 2)[0]
	tests := []struct {
		name string
		p    Proc
		want bool
	}{
		{"ourselves", Proc{PID: os.Getpid(), Binary: me}, true},
		{"recycled pid, other binary", Proc{PID: os.Getpid(), Binary: filepath.Join(filepath.Dir(self), "etcd")}, false},
		{"dead pid", Proc{PID: 1 << 22, Binary: me}, false},
		{"zero pid", Proc{PID: 0, Binary: me}, false},
	}
	for _, tt := range tests {
		if got := procAlive(tt.p); got != tt.want {
			t.Errorf("%s: procAlive = %v, want %v", tt.name, got, tt.want)
		}
	}
	if kb, err := procRSS(os.Getpid()); err != nil || kb <= 0 {
		t.Errorf("procRSS(self) = %d, %v", kb, err)
	}
}

// A process has exited once its pid is gone or runs another program; the
// moment between losing its command line and becoming a zombie is not
// reproducible here (TestRestartReportsAnEarlyExit met it under load).
func TestProcExited(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	argv0, _ := os.ReadFile("/proc/self/cmdline")
	me := strings.SplitN(string(argv0), "\x00", 2)[0]
	for _, tt := range []struct {
		name string
		p    Proc
		want bool
	}{
		{"ourselves", Proc{PID: os.Getpid(), Binary: me}, false},
		{"recycled pid, other binary", Proc{PID: os.Getpid(), Binary: filepath.Join(filepath.Dir(self), "etcd")}, true},
		{"dead pid", Proc{PID: 1 << 22, Binary: me}, true},
		{"zero pid", Proc{PID: 0, Binary: me}, true},
	} {
		if got := procExited(tt.p); got != tt.want {
			t.Errorf("%s: procExited = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// events collects reported events.
type events struct{ list []cluster.Event }

func (e *events) report(ev cluster.Event) { e.list = append(e.list, ev) }

func (e *events) has(sub string) bool {
	for _, ev := range e.list {
		if strings.Contains(ev.Detail, sub) || strings.Contains(ev.Step, sub) {
			return true
		}
	}
	return false
}

func staleProvider(t *testing.T) (*Provider, *events) {
	t.Helper()
	ev := &events{}
	p := New(Options{StateDir: t.TempDir(), CacheDir: t.TempDir(), Reporter: ev.report, GoBin: "/nonexistent/go"})
	l := p.layout()
	_ = os.MkdirAll(l.logs(), 0o755)
	st := &State{Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Ready: true, Kubeconfig: l.kubeconfig(),
		Procs: []Proc{{Name: "etcd", PID: 1 << 22, Binary: "/nonexistent/etcd"}, {Name: "kwok", PID: os.Getpid(), Binary: "/nonexistent/kwok"}}}
	if err := saveState(l, st); err != nil {
		t.Fatal(err)
	}
	return p, ev
}

func TestStaleState(t *testing.T) {
	p, ev := staleProvider(t)
	ctx := context.Background()
	if _, err := p.Connect(ctx); !errors.Is(err, cluster.ErrNotRunning) {
		t.Fatalf("Connect on a stale state = %v, want ErrNotRunning", err)
	}
	s, err := p.Status(ctx)
	if err != nil || s.Running {
		t.Fatalf("Status = %+v, %v", s, err)
	}
	c, err := p.reuse(ctx)
	if c != nil || err != nil {
		t.Fatalf("reuse = %v, %v", c, err)
	}
	if !ev.has("found a stale sim state from 2026-01-02 03:04:05; cleaning up") {
		t.Errorf("no stale-state message in %+v", ev.list)
	}
	if _, err := os.Stat(p.layout().state()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state.json survived the cleanup: %v", err)
	}
}

func TestDownNothingRunning(t *testing.T) {
	ev := &events{}
	p := New(Options{StateDir: t.TempDir(), CacheDir: t.TempDir(), Reporter: ev.report})
	if err := p.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !ev.has("no sim cluster is running") {
		t.Errorf("events %+v", ev.list)
	}
	p2, ev2 := staleProvider(t)
	if err := p2.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !ev2.has("no sim cluster is running") {
		t.Errorf("stale down events %+v", ev2.list)
	}
}
