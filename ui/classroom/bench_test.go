package classroom

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
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
