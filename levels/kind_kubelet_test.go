//go:build kind

package levels_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/kindtest"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// The tests in this file that stop or delete CoreDNS pods are not parallel:
// they run before every parallel test of the package starts.

// coreDNS scales the cluster DNS Deployment to n replicas.
func coreDNS(t *testing.T, cs kubernetes.Interface, n int32) {
	t.Helper()
	body := fmt.Sprintf(`{"spec":{"replicas":%d}}`, n)
	if _, err := cs.AppsV1().Deployments(dns.DNSNamespace).Patch(context.Background(), "coredns", types.MergePatchType,
		[]byte(body), metav1.PatchOptions{}, "scale"); err != nil {
		t.Fatalf("scale coredns to %d: %v", n, err)
	}
}

// waitCoreDNS waits until n CoreDNS pods are Ready and no other exists.
func waitCoreDNS(t *testing.T, cs kubernetes.Interface, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(dns.DNSNamespace).List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=kube-dns"})
		if err != nil || len(pods.Items) != n {
			return false, nil //nolint:nilerr // a failed list is a reason to poll again
		}
		for i := range pods.Items {
			if !snapshot.PodReady(&pods.Items[i]) || pods.Items[i].DeletionTimestamp != nil {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("CoreDNS: not %d Ready pods within 2m: %v", n, err)
	}
}

// The first connect while CoreDNS is not Ready yet (as right after a
// create, or a reboot): the game starts, its DNS checks say Unknown with the
// reason, and pass on their own once CoreDNS is Ready; nothing else waits.
func TestKindDNSNotReadyAtFirst(t *testing.T) {
	c := kindtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	t.Cleanup(func() { coreDNS(t, cs, 2); waitCoreDNS(t, cs, 2) })
	coreDNS(t, cs, 0)
	waitCoreDNS(t, cs, 0)
	r := setUp(t, 30)
	v := r.once()
	t.Logf("no CoreDNS pod:\n%s", dump(v))
	for _, id := range []string{"pod-dns", "service-dns"} {
		if x := result(v, id); x.Status != check.Unknown || !strings.Contains(x.Message, "kube-dns") {
			t.Errorf("%s without CoreDNS: %s %q, want Unknown naming the DNS pods", id, x.Status, x.Message)
		}
	}
	if x := result(v, "ready"); x.Status != check.Pass {
		t.Errorf("ready without CoreDNS: %s %q, want pass (only DNS checks depend on DNS)", x.Status, x.Message)
	}
	coreDNS(t, cs, 2)
	var states []string
	got := r.until(2*time.Minute, "DNS checks answering on their own", func(v play.Verdict) bool {
		x := result(v, "pod-dns")
		if s := x.Status.String() + ": " + x.Message; len(states) == 0 || states[len(states)-1] != s {
			states = append(states, s)
		}
		return x.Status == check.Pass
	})
	t.Logf("pod-dns while CoreDNS started:\n  %s\nthen:\n%s", strings.Join(states, "\n  "), dump(got))
}

// A CoreDNS pod deleted mid-level: the port-forward moves to the other
// replica; the DNS checks never fail (at most Unknown for a moment). Both
// replicas are deleted in turn, so the one the forward used is among them.
func TestKindDNSPodDeleted(t *testing.T) {
	c := kindtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	t.Cleanup(func() { waitCoreDNS(t, cs, 2) })
	r := setUp(t, 30)
	r.until(60*time.Second, "pod DNS answering", is("pod-dns", check.Pass))
	for round := 0; round < 2; round++ {
		waitCoreDNS(t, cs, 2)
		pods, err := cs.CoreV1().Pods(dns.DNSNamespace).List(context.Background(), metav1.ListOptions{LabelSelector: "k8s-app=kube-dns"})
		if err != nil {
			t.Fatal(err)
		}
		victim := pods.Items[round%len(pods.Items)].Name
		start := time.Now()
		if err := cs.CoreV1().Pods(dns.DNSNamespace).Delete(context.Background(), victim, metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete CoreDNS pod %s: %v", victim, err)
		}
		// ask right away and then for a few seconds: never Fail
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			v := r.once()
			x := result(v, "pod-dns")
			if x.Status == check.Fail {
				t.Fatalf("pod-dns failed after CoreDNS pod %s was deleted: %q", victim, x.Message)
			}
		}
		v := r.until(30*time.Second, "pod DNS answering again", is("pod-dns", check.Pass))
		t.Logf("deleted CoreDNS pod %s; DNS checks pass %s later:\n%s", victim, time.Since(start).Round(time.Millisecond), dump(v))
	}
}

// Pod termination on a real kubelet: a busybox PID 1 without a TERM trap
// ignores SIGTERM and is killed only when the grace period ends, while the
// same pod with a trap (as the level pods and stand-ins have) goes at once.
// The grace period is 10 s: long enough that the trapped pod (about 3 s
// here, most of it the kubelet's own round trips) cannot reach it under
// load, short enough for the suite.
func TestKindSigtermIgnoredTakesGrace(t *testing.T) {
	t.Parallel()
	c := kindtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	ns := simtest.Namespace(t, c)
	const grace = 10
	took := map[string]time.Duration{}
	for name, cmd := range map[string]string{
		"no-trap": "",
		// The marker file is written once the trap is set: the pod turns
		// Ready only then, so that SIGTERM cannot come before the trap
		// (Running alone says the process started, not that the shell got
		// to its first command).
		"trap": "trap 'exit 0' TERM; touch /tmp/trapped; while true; do sleep 1 & wait $!; done",
	} {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: ptr.To[int64](grace),
			Containers:                    []corev1.Container{{Name: "c", Image: kindtest.ToolboxImage, Command: []string{"sh", "-c", cmd}}},
		}}
		if cmd == "" {
			pod.Spec.Containers[0].Command = []string{"sleep", "3600"}
		} else {
			pod.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"test", "-e", "/tmp/trapped"}}},
				PeriodSeconds: 1,
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), kindtest.PodTimeout)
		if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := kindtest.WaitPod(ctx, cs, ns, name, func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodRunning && kindtest.Ready(p) }); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := cs.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := kindtest.WaitGone(ctx, cs, ns, name); err != nil {
			t.Fatal(err)
		}
		cancel()
		took[name] = time.Since(start)
		t.Logf("pod %s (%s) deleted in %s", name, strings.Join(pod.Spec.Containers[0].Command, " "), took[name].Round(time.Millisecond))
	}
	if took["no-trap"] < grace*time.Second {
		t.Errorf("a PID 1 ignoring SIGTERM went in %s, before its %d s grace period", took["no-trap"], grace)
	}
	if took["trap"] >= grace*time.Second {
		t.Errorf("a PID 1 trapping SIGTERM took %s, the whole %d s grace period", took["trap"], grace)
	}
}

// An image that cannot be pulled (no registry is reachable from this
// machine's kind nodes): the kubelet reports ErrImagePull, then
// ImagePullBackOff, each with the runtime's reason, and the level's
// workloadReady check fails while the old pods keep serving.
func TestKindImagePullFails(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	const missing = "k8squest.local/missing:1.0"
	r.mustPatch("", "Deployment", "backend", types.StrategicMergePatchType,
		`{"spec":{"template":{"spec":{"containers":[{"name":"api","image":"`+missing+`"}]}}}}`)
	seen := map[string]string{}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := r.cs.CoreV1().Pods(r.ns).List(ctx, metav1.ListOptions{LabelSelector: "app=backend"})
		if err != nil {
			return false, nil //nolint:nilerr // a failed list is a reason to poll again
		}
		for _, p := range pods.Items {
			for _, st := range p.Status.ContainerStatuses {
				if w := st.State.Waiting; w != nil && st.Image == missing && w.Message != "" {
					if _, ok := seen[w.Reason]; !ok {
						seen[w.Reason] = w.Message
					}
				}
			}
		}
		_, pull := seen["ErrImagePull"]
		_, backoff := seen["ImagePullBackOff"]
		return pull && backoff, nil
	})
	for reason, msg := range seen {
		t.Logf("kubelet: %s: %s", reason, msg)
	}
	if err != nil {
		t.Fatalf("no ErrImagePull and ImagePullBackOff, each with a message, within 90s (saw %v)", seen)
	}
	v := r.until(30*time.Second, "failing on the backend's rollout", is("backend-ready", check.Fail))
	t.Logf("check while the image cannot be pulled:\n%s", dump(v))
}
