package levels_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kube"
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

// BenchmarkReset measures `k8squest reset`: from a level in play (with the
// level's solution applied, so that the reset has work to undo) back to
// its broken state, settled, for each level (-bench 'Reset/level-30$' for
// one). It reports the median of the iterations (-benchtime 5x for five).
func BenchmarkReset(b *testing.B) {
	for id := 21; id <= 30; id++ {
		b.Run(fmt.Sprintf("level-%d", id), func(b *testing.B) { benchReset(b, id) })
	}
}

func benchReset(b *testing.B, id int) {
	r := setUp(b, id)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r.solve(ctx)
		b.StartTimer()
		start := time.Now()
		if err := r.s.Reset(ctx, nil); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.ReportMetric(float64(median(took).Milliseconds()), "median-ms")
}

// solve applies the level's solution the way a player would: an object
// whose change the API refuses in place (a Service's clusterIP) is deleted
// and made again.
func (r *rig) solve(ctx context.Context) {
	r.t.Helper()
	objs, err := r.level.SolutionObjects(r.ns)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, o := range objs {
		err := r.applier.Apply(ctx, []*unstructured.Unstructured{o})
		if err != nil && (strings.Contains(err.Error(), "may not change once set") || strings.Contains(err.Error(), "field is immutable")) {
			r.deleteObject(ctx, o)
			err = r.applier.Apply(ctx, []*unstructured.Unstructured{o})
		}
		if err != nil {
			r.t.Fatal(err)
		}
	}
}

// deleteObject deletes o (a Service, so far) and waits until it is gone.
func (r *rig) deleteObject(ctx context.Context, o *unstructured.Unstructured) {
	r.t.Helper()
	if o.GetKind() != "Service" {
		r.t.Fatalf("solve: %s cannot be changed in place, and only Services are re-created", kube.Describe(o))
	}
	if err := r.cs.CoreV1().Services(o.GetNamespace()).Delete(ctx, o.GetName(), metav1.DeleteOptions{}); err != nil {
		r.t.Fatal(err)
	}
}

// median returns the middle of ds (the upper one of the two middles).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
