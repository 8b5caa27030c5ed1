package levels_test

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/play"
)

// BenchmarkFixToVerdict measures, on the sim cluster, the time from a write
// to the API (what kubectl does) until the watching engine's verdict changes.
// Each iteration deletes the Service and then re-creates it: two writes, two
// verdict changes; the reported latency is per write.
func BenchmarkFixToVerdict(b *testing.B) {
	r := setUp(b, 30)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	verdicts := r.s.Watch(ctx)
	wait := func(cond func(play.Verdict) bool) {
		deadline := time.After(30 * time.Second)
		for {
			select {
			case v := <-verdicts:
				if cond(v) {
					return
				}
			case <-deadline:
				b.Fatal("no verdict change within 30 s")
			}
		}
	}
	wait(is("shared-ip", check.Fail, "virtual IP"))
	svc, err := r.cs.CoreV1().Services(r.ns).Get(ctx, "web-cluster", metav1.GetOptions{})
	if err != nil {
		b.Fatal(err)
	}
	svc.ResourceVersion, svc.UID, svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "", "", "None", nil
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := r.cs.CoreV1().Services(r.ns).Delete(ctx, "web-cluster", metav1.DeleteOptions{}); err != nil {
			b.Fatal(err)
		}
		wait(is("shared-ip", check.Fail, "does not exist"))
		total += time.Since(start)
		start = time.Now()
		if _, err := r.cs.CoreV1().Services(r.ns).Create(ctx, svc.DeepCopy(), metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		wait(is("shared-ip", check.Pass))
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(2*b.N), "ms/write")
}

// BenchmarkCheckOnce measures one `k8squest check 30`: start the informers,
// sync them, run every check including the DNS questions.
func BenchmarkCheckOnce(b *testing.B) {
	r := setUp(b, 30)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.s.CheckOnce(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
