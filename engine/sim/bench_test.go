package sim_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkUp measures starting a fresh sim cluster with warm binaries: time
// to /readyz, time until fully ready (node, service account, DNS), and the
// total RSS of its processes once ready.
func BenchmarkUp(b *testing.B) {
	p, rec := isolated(b)
	if err := p.Install(context.Background()); err != nil {
		b.Fatal(err)
	}
	var readyz, ready, rss float64
	for b.Loop() {
		start := time.Now()
		if _, err := p.Up(context.Background()); err != nil {
			b.Fatal(err)
		}
		ready += time.Since(start).Seconds()
		readyz += rec.doneAt("start kube-apiserver").Sub(start).Seconds()
		rss += float64(p.TotalRSS()) / 1024
		b.StopTimer()
		if err := p.Down(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(readyz/n, "s-to-readyz")
	b.ReportMetric(ready/n, "s-to-ready")
	b.ReportMetric(rss/n, "MB-rss")
}

// doneAt returns when the last event for step finished.
func (r *recorder) doneAt(step string) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.list) - 1; i >= 0; i-- {
		if r.list[i].Step == step {
			return r.at[i]
		}
	}
	return time.Time{}
}
