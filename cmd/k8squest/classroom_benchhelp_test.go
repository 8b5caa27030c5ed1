package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
)

// watchWriter is a terminal's output: it notes when any of hits first
// shows, the escape sequences taken out.
type watchWriter struct {
	mu   sync.Mutex
	raw  []byte
	hits []string
	hit  time.Time
	wake chan struct{}
}

// newWatchWriter watches for hits.
func newWatchWriter(hits ...string) *watchWriter {
	return &watchWriter{hits: hits, wake: make(chan struct{}, 1)}
}

// Write implements io.Writer.
func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.raw = append(w.raw, p...)
	if len(w.raw) > 1<<16 {
		w.raw = w.raw[len(w.raw)-1<<15:]
	}
	if w.hit.IsZero() {
		text := ansi.Strip(string(w.raw))
		for _, h := range w.hits {
			if strings.Contains(text, h) {
				w.hit = time.Now()
			}
		}
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

// tail is the last of the output, as text.
func (w *watchWriter) tail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return ansi.Strip(string(w.raw))
}

// waitText waits up to d for s in the output.
func (w *watchWriter) waitText(s string, d time.Duration) bool {
	return w.waitFor(d, func() bool { return strings.Contains(w.tail(), s) })
}

// waitHit waits up to d for a hit and returns when it showed.
func (w *watchWriter) waitHit(d time.Duration) (time.Time, bool) {
	var at time.Time
	ok := w.waitFor(d, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		at = w.hit
		return !at.IsZero()
	})
	return at, ok
}

// waitFor waits up to d, woken by each write, for cond.
func (w *watchWriter) waitFor(d time.Duration, cond func() bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for !cond() {
		select {
		case <-w.wake:
		case <-timer.C:
			return cond()
		}
	}
	return true
}

// boardPoll polls `status --json` and notes when each learner first
// shows every check passing.
type boardPoll struct {
	mu     sync.Mutex
	passed map[string]time.Time
	// failing notes the learners whose apiCheck the board showed failing;
	// moved is when it first showed it passing after that.
	failing map[string]bool
	moved   map[string]time.Time
	done    chan struct{}
	wg      sync.WaitGroup
}

// pollBoard polls the instructor's status every 50 ms until stop.
func pollBoard(t testing.TB, inst *gossh.Client, n int) *boardPoll {
	p := &boardPoll{passed: map[string]time.Time{}, failing: map[string]bool{}, moved: map[string]time.Time{}, done: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tick.C:
			}
			p.read(inst)
		}
	}()
	return p
}

// read takes one status and notes who passes.
func (p *boardPoll) read(inst *gossh.Client) {
	s, err := inst.NewSession()
	if err != nil {
		return
	}
	defer s.Close()
	out, err := s.Output("status --json")
	now := time.Now()
	if err != nil {
		return
	}
	var doc struct {
		Learners []struct {
			statusRow
			Checks []classroom.Check
		}
	}
	if json.Unmarshal(out, &doc) != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range doc.Learners {
		if _, ok := p.passed[r.Name]; !ok && r.Total > 0 && r.Passing == r.Total {
			p.passed[r.Name] = now
		}
		for _, c := range r.Checks {
			if c.ID != apiCheck {
				continue
			}
			if c.Status != check.Pass {
				p.failing[r.Name] = true
			} else if _, ok := p.moved[r.Name]; !ok && p.failing[r.Name] {
				p.moved[r.Name] = now
			}
		}
	}
}

// apiCheck is level 30's check that reads the API only (the Service has no
// virtual IP): the fix turns it green without waiting for any DNS cache.
const apiCheck = "shared-ip"

// firstMove is when the board first showed name's apiCheck passing after
// it failed; false if it never did.
func (p *boardPoll) firstMove(name string) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at, ok := p.moved[name]
	return at, ok
}

// seen waits up to d for name passing on the board.
func (p *boardPoll) seen(name string, d time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(d)
	for {
		p.mu.Lock()
		at, ok := p.passed[name]
		p.mu.Unlock()
		if ok || time.Now().After(deadline) {
			return at, ok
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the polling.
func (p *boardPoll) stop() { close(p.done); p.wg.Wait() }

// rss is process pid's resident set in bytes.
func rss(t testing.TB, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/PID/status")
	return 0
}

// requestTotal is the API server's count of requests served.
func requestTotal(t testing.TB, cs kubernetes.Interface) float64 {
	t.Helper()
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		t.Fatalf("read the API server's metrics: %v", err)
	}
	total := 0.0
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		f := strings.Fields(line)
		v, _ := strconv.ParseFloat(f[len(f)-1], 64)
		total += v
	}
	return total
}

// requestRate is the API server's requests per second over d.
func requestRate(t testing.TB, cs kubernetes.Interface, d time.Duration) float64 {
	t.Helper()
	a, start := requestTotal(t, cs), time.Now()
	time.Sleep(d) // a measuring window, not a wait for a condition
	return (requestTotal(t, cs) - a) / time.Since(start).Seconds()
}

// pct is the p-th percentile of sorted ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := (len(ds)*p + 99) / 100
	return ds[min(max(i-1, 0), len(ds)-1)]
}
