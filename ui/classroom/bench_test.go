package classroom

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// BenchmarkLogin measures a learner's login: TCP, key exchange, the key
// and the join code, over loopback.
func BenchmarkLogin(b *testing.B) {
	r := startRig(b, nil)
	key := newKey(b)
	for b.Loop() {
		d, err := r.dial(b, login{"alice", key, testCode})
		if err != nil {
			b.Fatal(err)
		}
		_ = d.client.Close()
	}
}

// BenchmarkIdleSessions measures what an idle terminal session on the
// world map costs: 50 learners log in and open the game; the heap and
// the process's RSS are read before and after, with the clients in the
// same process (so the numbers are an upper bound for the server).
func BenchmarkIdleSessions(b *testing.B) {
	const n = 50
	for b.Loop() {
		t := b
		r := startRig(t, nil)
		heap0, rss0 := memNow()
		var tms []*terminal
		for i := range n {
			c := r.mustDial(t, login{"l" + strconv.Itoa(i), newKey(t), testCode})
			tm := openTerminal(t, c, 100, 30, nil)
			tm.waitOutput(t, "Headless")
			tms = append(tms, tm)
		}
		heap1, rss1 := memNow()
		b.ReportMetric(float64(heap1-heap0)/n/1024, "heap-KiB/session")
		b.ReportMetric(float64(rss1-rss0)/n/1024, "rss-KiB/session")
		for _, tm := range tms {
			_ = tm.s.Close()
		}
	}
}

// memNow returns the heap in use after a GC and the process's RSS, in bytes.
func memNow() (heap, rss uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			rss = kb * 1024
		}
	}
	return ms.HeapInuse, rss
}

// BenchmarkServerRSSPerSession measures the server alone: a server process
// (the test binary in server mode, as TestRosterSurvivesKill9 runs it)
// has its RSS read before and after 50 learners open the game and sit on
// the world map. The game here is the fake, so this is the server's own
// share, without a backend's informers.
func BenchmarkServerRSSPerSession(b *testing.B) {
	const n = 50
	for b.Loop() {
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "teacher.pub"), gossh.MarshalAuthorizedKey(newKey(b).PublicKey()), 0o600); err != nil {
			b.Fatal(err)
		}
		child, addr := startChild(b, dir)
		rss0 := rssOf(b, child.Process.Pid)
		for i := range n {
			d, err := dialAddr(b, addr, login{"l" + strconv.Itoa(i), newKey(b), testCode})
			if err != nil {
				b.Fatal(err)
			}
			openTerminal(b, d.client, 100, 30, nil).waitOutput(b, "Headless")
		}
		rss1 := rssOf(b, child.Process.Pid)
		b.ReportMetric(float64(rss0)/1024/1024, "idle-server-MiB")
		b.ReportMetric(float64(rss1-rss0)/n/1024, "rss-KiB/session")
	}
}

// rssOf reads a process's resident set size, in bytes.
func rssOf(b *testing.B, pid int) uint64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb * 1024
		}
	}
	b.Fatal("no VmRSS in /proc/PID/status")
	return 0
}
