package classroom

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

// latencies follows one subscription and records, for every row whose
// LastActivity (the publish time) changed, how long it took to arrive.
type latencies struct {
	mu   sync.Mutex
	seen map[string]time.Time
	got  []time.Duration
	// deliveries counts snapshots received.
	deliveries int
	// changed is signalled after each snapshot.
	changed chan struct{}
}

func follow(sub *Subscription[Snapshot]) *latencies {
	l := &latencies{seen: map[string]time.Time{}, changed: make(chan struct{}, 1)}
	go func() {
		for s := range sub.C() {
			now := time.Now()
			l.mu.Lock()
			l.deliveries++
			for _, r := range s.Rows {
				if !r.LastActivity.Equal(l.seen[r.Name]) {
					l.seen[r.Name] = r.LastActivity
					l.got = append(l.got, now.Sub(r.LastActivity))
				}
			}
			l.mu.Unlock()
			select {
			case l.changed <- struct{}{}:
			default:
			}
		}
	}()
	return l
}

// waitCount waits until n latencies are recorded, for at most 5 s.
func (l *latencies) waitCount(b *testing.B, n int) {
	deadline := time.After(5 * time.Second)
	for {
		l.mu.Lock()
		c := len(l.got)
		l.mu.Unlock()
		if c >= n {
			return
		}
		select {
		case <-l.changed:
		case <-deadline:
			b.Fatalf("only %d of %d changes delivered within 5 s", c, n)
		}
	}
}

// report adds p50, p95 and max latency in ms and deliveries per op.
func (l *latencies) report(b *testing.B, first int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := slices.Clone(l.got[first:])
	slices.Sort(d)
	q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(l.deliveries)/float64(b.N), "deliveries/op")
}

// verdictOf is learner i's verdict in round n: one of level 30's five
// checks flips each round.
func verdictOf(i, n int) []Check {
	cs := checks(check.Pass, check.Pass, check.Pass, check.Fail, check.Fail)
	cs[(i+n)%5].Status = check.Status(1 + n%2)
	return cs
}

func benchHub(b *testing.B) (*Hub, *latencies) {
	h := New(Options{Workshop: "bench"})
	b.Cleanup(h.Close)
	_ = h.Subscribe(context.Background()) // a board that never reads
	for range 2 {
		s := h.Subscribe(context.Background()) // status pollers
		go func() {
			for range s.C() {
			}
		}()
	}
	l := follow(h.Subscribe(context.Background()))
	for i := range 50 {
		_ = h.Publish(Event{Learner: fmt.Sprintf("learner-%02d", i), Kind: Connected, At: time.Now()})
	}
	l.waitCount(b, 50)
	return h, l
}

// BenchmarkHubBurst: each op, all 50 learners publish a verdict change at
// the same moment; latency is publish → the board's subscriber.
func BenchmarkHubBurst(b *testing.B) {
	h, l := benchHub(b)
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				_ = h.Publish(Event{Learner: fmt.Sprintf("learner-%02d", i), Kind: Verdict, Level: 30, At: time.Now(), Checks: verdictOf(i, n)})
			})
		}
		wg.Wait()
		l.waitCount(b, 50*(n+2))
	}
	b.StopTimer()
	l.report(b, 50)
}

// BenchmarkHubPaced: 50 learners take turns, one verdict change every
// 20 ms (50 a second for the class), as a busy workshop might.
func BenchmarkHubPaced(b *testing.B) {
	h, l := benchHub(b)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		<-tick.C
		i := n % 50
		_ = h.Publish(Event{Learner: fmt.Sprintf("learner-%02d", i), Kind: Verdict, Level: 30, At: time.Now(), Checks: verdictOf(i, n)})
	}
	l.waitCount(b, 50+b.N)
	b.StopTimer()
	l.report(b, 50)
}

// BenchmarkPublish is one learner's verdict on a hub with one subscriber.
func BenchmarkPublish(b *testing.B) {
	h := New(Options{})
	defer h.Close()
	s := h.Subscribe(context.Background())
	go func() {
		for range s.C() {
		}
	}()
	cs := verdictOf(0, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Publish(Event{Learner: "ada", Kind: Verdict, Level: 30, Checks: cs})
	}
}
