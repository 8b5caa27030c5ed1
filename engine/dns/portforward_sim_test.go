package dns_test

import (
	"context"
	"errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/simtest"
)

// TestSimPortForwardToFakeDNSPod points PortForward at a Ready pod that
// serves nothing (kwok only simulates it): opening or using the forward must
// fail within its timeouts instead of hanging.
func TestSimPortForwardToFakeDNSPod(t *testing.T) {
	t.Parallel()
	c := simCluster(t)
	ns := simtest.Namespace(t, c)
	cs := simtest.Clientset(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "fake-dns", Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "dns", Image: "coredns/coredns"}}},
	}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create pod: %v", err)
	}
	waitReady(ctx, t, cs, ns, pod.Name)
	start := time.Now()
	r, err := dns.PortForward(ctx, c.REST, dns.PortForwardOptions{Namespace: ns, SetupTimeout: 10 * time.Second})
	if err == nil {
		_, err = r.Query(ctx, "kubernetes.default.svc.cluster.local", dns.A)
		r.Close()
	}
	t.Logf("took %v: %v", time.Since(start), err)
	if err == nil || ctx.Err() != nil || errors.Is(err, dns.ErrNoDNSPod) {
		t.Fatalf("err = %v, want a forward or DNS failure before the deadline", err)
	}
}

// waitReady waits for kwok to mark the pod Running and Ready.
func waitReady(ctx context.Context, t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true,
		func(ctx context.Context) (bool, error) {
			p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return p.Status.Phase == corev1.PodRunning && ready(p), nil
		})
	if err != nil {
		t.Fatalf("pod %s/%s never became Ready: %v", ns, name, err)
	}
}

func ready(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
