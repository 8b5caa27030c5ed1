package kindtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
)

// ToolboxImage is the busybox stand-in with the small nslookup, wget and nc
// (the image the levels' debriefs run).
const ToolboxImage = "busybox:1.28"

// PodTimeout bounds waiting for a test pod to run.
const PodTimeout = 90 * time.Second

// Toolbox starts a busybox pod called name in ns that waits for commands
// (and stops at once on SIGTERM), waits until it runs, and returns its
// name. The namespace's deletion removes it.
func Toolbox(t testing.TB, c *cluster.Cluster, ns, name string) string {
	t.Helper()
	return LabelledToolbox(t, c, ns, name, nil)
}

// LabelledToolbox is Toolbox with more labels on the pod, for a client that
// NetworkPolicies select by its labels.
func LabelledToolbox(t testing.TB, c *cluster.Cluster, ns, name string, labels map[string]string) string {
	t.Helper()
	l := map[string]string{"k8squest.io/test": "toolbox"}
	for k, v := range labels {
		l[k] = v
	}
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatalf("kindtest: clientset: %v", err)
	}
	zero := int64(0)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: &zero,
			Containers: []corev1.Container{{
				Name: "toolbox", Image: ToolboxImage, ImagePullPolicy: corev1.PullIfNotPresent,
				Command: []string{"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"},
			}},
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), PodTimeout)
	defer cancel()
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("kindtest: create toolbox pod %s/%s: %v", ns, name, err)
	}
	if err := WaitPod(ctx, cs, ns, name, func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodRunning }); err != nil {
		t.Fatalf("kindtest: toolbox pod %s/%s: %v", ns, name, err)
	}
	return name
}

// WaitPod polls pod ns/name until cond holds or ctx ends, and then says
// what the pod's state last was.
func WaitPod(ctx context.Context, cs kubernetes.Interface, ns, name string, cond func(*corev1.Pod) bool) error {
	var last *corev1.Pod
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			// Not created yet, or the API blinked: ask again until ctx ends.
			return false, nil //nolint:nilerr // a failed get is a reason to poll again, not to stop
		}
		last = p
		return cond(p), nil
	})
	if err != nil {
		return fmt.Errorf("wait for pod %s/%s: %w (last state: %s)", ns, name, err, PodState(last))
	}
	return nil
}

// PodState describes a pod's phase and its waiting containers' reasons.
func PodState(p *corev1.Pod) string {
	if p == nil {
		return "not found"
	}
	s := string(p.Status.Phase)
	for _, st := range p.Status.ContainerStatuses {
		if w := st.State.Waiting; w != nil {
			s += fmt.Sprintf(", %s waiting: %s %s", st.Name, w.Reason, w.Message)
		}
	}
	return s
}

// WaitGone polls until pod ns/name no longer exists or ctx ends.
func WaitGone(ctx context.Context, cs kubernetes.Interface, ns, name string) error {
	err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		return fmt.Errorf("wait for pod %s/%s to go: %w", ns, name, err)
	}
	return nil
}

// Ready reports whether the pod's Ready condition is True: every container
// started and passed its readiness probe, if it has one.
func Ready(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
