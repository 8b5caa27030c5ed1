package sim_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/sim"
)

// recorder logs events to the test and keeps them for assertions.
type recorder struct {
	mu   sync.Mutex
	tb   testing.TB
	list []cluster.Event
	at   []time.Time
}

func (r *recorder) report(e cluster.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tb.Logf("%s %s %s", e.Step, e.State, e.Detail)
	r.list = append(r.list, e)
	r.at = append(r.at, time.Now())
}

func (r *recorder) has(sub string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.list {
		if strings.Contains(e.Detail, sub) {
			return true
		}
	}
	return false
}

// isolated returns a provider on its own state dir (own ports, own
// processes) sharing the default binary cache, stopped at the end of the test.
func isolated(t testing.TB) (*sim.Provider, *recorder) {
	rec := &recorder{tb: t}
	p := sim.New(sim.Options{StateDir: t.TempDir(), Reporter: rec.report, ReadyTimeout: 5 * time.Minute})
	t.Cleanup(func() {
		if err := p.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	return p, rec
}

func up(t *testing.T, p *sim.Provider) *cluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	c, err := p.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	return c
}

func TestSimCluster(t *testing.T) {
	p, rec := isolated(t)
	c := up(t, p)
	ctx := context.Background()

	t.Run("node is Ready", func(t *testing.T) { checkNodeReady(t, c) })
	t.Run("DNS answers kubernetes.default", func(t *testing.T) { checkDNS(t, c) })
	t.Run("up twice reuses the cluster", func(t *testing.T) {
		c2 := up(t, p)
		if c2.Kubeconfig != c.Kubeconfig || c2.DNSAddr != c.DNSAddr || c2.REST.Host != c.REST.Host {
			t.Errorf("second up returned %+v, want %+v", c2, c)
		}
		if !rec.has("already running") {
			t.Error("second up did not say the cluster is already running")
		}
		if rec.has("older k8squest") {
			t.Error("second up called the configuration this build just wrote stale")
		}
	})
	t.Run("up recovers from kill -9", func(t *testing.T) {
		old := pids(t, p)
		for _, pid := range old {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		waitGone(t, old)
		if _, err := p.Connect(ctx); !errors.Is(err, cluster.ErrNotRunning) {
			t.Fatalf("connect after kill -9 = %v, want ErrNotRunning", err)
		}
		c = up(t, p)
		if !rec.has("found a stale sim state") {
			t.Error("up did not report the stale state")
		}
		checkNodeReady(t, c)
		checkDNS(t, c)
	})
	t.Run("down leaves no processes", func(t *testing.T) {
		old := pids(t, p)
		if err := p.Down(ctx); err != nil {
			t.Fatal(err)
		}
		for _, pid := range old {
			if alive(pid) {
				t.Errorf("pid %d still running after down", pid)
			}
		}
		if _, err := p.Connect(ctx); !errors.Is(err, cluster.ErrNotRunning) {
			t.Errorf("connect after down = %v, want ErrNotRunning", err)
		}
	})
}

func checkNodeReady(t *testing.T, c *cluster.Cluster) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := cs.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes.Items {
		for _, cond := range n.Status.Conditions {
			if n.Name == sim.NodeName && cond.Type == "Ready" && cond.Status == "True" {
				return
			}
		}
	}
	t.Errorf("no Ready node %s in %d nodes", sim.NodeName, len(nodes.Items))
}

func checkDNS(t *testing.T, c *cluster.Cluster) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := cs.CoreV1().Services("default").Get(context.Background(), "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ip, err := sim.LookupA(context.Background(), c.DNSAddr, "kubernetes.default.svc."+c.Domain)
	if err != nil || ip != svc.Spec.ClusterIP {
		t.Errorf("DNS says %q (%v), want the ClusterIP %s", ip, err, svc.Spec.ClusterIP)
	}
}

func pids(t testing.TB, p *sim.Provider) []int {
	t.Helper()
	st, err := p.State()
	if err != nil || st == nil {
		t.Fatalf("state: %v, %v", st, err)
	}
	var out []int
	for _, pr := range st.Procs {
		out = append(out, pr.PID)
	}
	if len(out) != 6 {
		t.Errorf("state has %d processes, want 6", len(out))
	}
	return out
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(data), ')')
	return i < 0 || i+2 >= len(data) || data[i+2] != 'Z'
}

func waitGone(t testing.TB, pids []int) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		gone := true
		for _, pid := range pids {
			gone = gone && !alive(pid)
		}
		if gone {
			return
		}
	}
	t.Fatalf("processes %v did not die", pids)
}
