package play

import (
	"errors"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/snapshot"
)

var settleT0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

var testLimits = settleLimits{idle: 2 * time.Minute, max: 10 * time.Minute, pull: 90 * time.Second, unschedulable: 30 * time.Second}

func waitingPod(name, reason, msg string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "p1", Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.27-alpine"}}},
		Status: corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
			Name: "nginx", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: msg}},
		}}},
	}
}

func unschedulablePod(name string) *corev1.Pod {
	p := waitingPod(name, "", "")
	p.Status.ContainerStatuses = nil
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: "0/1 nodes are available: 1 Too many pods."}}
	return p
}

// settleSession is a session whose level is one StatefulSet web of 2 replicas.
func settleSession() *Session {
	o := &unstructured.Unstructured{}
	o.SetAPIVersion("apps/v1")
	o.SetKind("StatefulSet")
	o.SetName("web")
	o.SetNamespace("p1")
	return &Session{spec: Spec{Level: 30, Namespace: "p1", Objects: []*unstructured.Unstructured{o}}, limits: testLimits}
}

func settleSnap(ready int32, pods ...*corev1.Pod) *snapshot.Snapshot {
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "p1"},
		Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](2),
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}}},
		Status: appsv1.StatefulSetStatus{ReadyReplicas: ready},
	}
	return &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{sts}, Pods: pods}
}

func TestAssessShowsWaitingReasons(t *testing.T) {
	s := settleSession()
	st := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonImagePullBackOff, `Back-off pulling image "nginx:1.27-alpine"`), unschedulablePod("web-1")))
	want := `StatefulSet web: 0/2 ready: web-0 (Pending): container nginx ImagePullBackOff: Back-off pulling image "nginx:1.27-alpine"; ` +
		`web-1 (Pending): not scheduled: Unschedulable: 0/1 nodes are available: 1 Too many pods`
	if len(st.lines) != 1 || st.lines[0] != want {
		t.Fatalf("lines %q,\nwant %q", st.lines, want)
	}
	if st.progress || len(st.blocked) != 2 {
		t.Fatalf("progress %v, blocked %v: want no progress and both pods blocked", st.progress, st.blocked)
	}
	if st := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonContainerCreating, ""))); !st.progress || len(st.blocked) != 0 {
		t.Fatalf("a container being created is progress: %+v", st)
	}
	if st := s.assess(&snapshot.Snapshot{}); !st.progress || st.lines[0] != "StatefulSet web: not seen yet" {
		t.Fatalf("a workload not seen yet: %+v", st)
	}
}

// A pull in progress keeps the wait going past the idle timeout; without
// progress, the idle timeout hands over.
func TestSettleWaitsWhilePulling(t *testing.T) {
	s := settleSession()
	tr := newSettleTracker(testLimits, settleT0)
	pulling := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonContainerCreating, "")))
	d := tr.observe(settleT0, pulling)
	if d.done || d.err != nil || !strings.Contains(d.report, "ContainerCreating") || !d.wake.Equal(settleT0.Add(testLimits.idle)) {
		t.Fatalf("first look: %+v", d)
	}
	for _, at := range []time.Duration{2 * time.Minute, 4 * time.Minute, 6 * time.Minute} {
		if d := tr.observe(settleT0.Add(at), pulling); d.done || d.err != nil || d.report != "" || !d.wake.Equal(settleT0.Add(at+testLimits.idle)) {
			t.Fatalf("at %s, still pulling: %+v", at, d)
		}
	}
	crashing := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonCrashLoopBackOff, "back-off 10s")))
	if d := tr.observe(settleT0.Add(7*time.Minute), crashing); d.done || !strings.Contains(d.report, "CrashLoopBackOff") {
		t.Fatalf("a new reason is reported: %+v", d)
	}
	d = tr.observe(settleT0.Add(9*time.Minute), crashing)
	if !d.done || d.err != nil || !strings.Contains(d.report, "no change for 2m0s; starting anyway: StatefulSet web: 0/2 ready: web-0 (Pending): container nginx CrashLoopBackOff") {
		t.Fatalf("idle for 2 minutes: %+v", d)
	}
}

// However long pulls progress, SettleMax ends the wait.
func TestSettleMax(t *testing.T) {
	s := settleSession()
	tr := newSettleTracker(testLimits, settleT0)
	pulling := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonContainerCreating, "")))
	if d := tr.observe(settleT0.Add(9*time.Minute), pulling); d.done || !d.wake.Equal(settleT0.Add(testLimits.max)) {
		t.Fatalf("before the cap: %+v", d)
	}
	if d := tr.observe(settleT0.Add(testLimits.max), pulling); !d.done || !strings.Contains(d.report, "still not ready after 10m0s; starting anyway") {
		t.Fatalf("at the cap: %+v", d)
	}
}

// An image that keeps failing to pull, through the kubelet's alternation of
// ErrImagePull and ImagePullBackOff, ends the wait with a clear error.
func TestSettleGivesUpOnPullErrors(t *testing.T) {
	s := settleSession()
	tr := newSettleTracker(testLimits, settleT0)
	failed := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonErrImagePull, "toomanyrequests: You have reached your pull rate limit")))
	backoff := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonImagePullBackOff, `Back-off pulling image "nginx:1.27-alpine"`)))
	if d := tr.observe(settleT0, failed); d.err != nil || !d.wake.Equal(settleT0.Add(testLimits.pull)) {
		t.Fatalf("first failure: %+v", d)
	}
	if d := tr.observe(settleT0.Add(40*time.Second), backoff); d.err != nil || d.done {
		t.Fatalf("backing off: %+v", d)
	}
	d := tr.observe(settleT0.Add(90*time.Second), failed)
	if !errors.Is(d.err, ErrCannotStart) {
		t.Fatalf("after 90 s of pull errors: %+v", d)
	}
	for _, part := range []string{"pod p1/web-0: image nginx:1.27-alpine could not be pulled for 1m30s", "ErrImagePull: toomanyrequests", "kind load docker-image nginx:1.27-alpine"} {
		if !strings.Contains(d.err.Error(), part) {
			t.Errorf("error %q does not say %q", d.err, part)
		}
	}
}

// A pull that recovers starts the count again.
func TestSettleForgetsRecoveredPulls(t *testing.T) {
	s := settleSession()
	tr := newSettleTracker(testLimits, settleT0)
	failed := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonErrImagePull, "i/o timeout")))
	creating := s.assess(settleSnap(0, waitingPod("web-0", check.ReasonContainerCreating, "")))
	tr.observe(settleT0, failed)
	tr.observe(settleT0.Add(60*time.Second), creating)
	if d := tr.observe(settleT0.Add(100*time.Second), failed); d.err != nil {
		t.Fatalf("a pull error after a recovery gave up at once: %v", d.err)
	}
}

func TestSettleGivesUpOnUnschedulable(t *testing.T) {
	s := settleSession()
	tr := newSettleTracker(testLimits, settleT0)
	st := s.assess(settleSnap(1, unschedulablePod("web-1")))
	if d := tr.observe(settleT0.Add(29*time.Second), st); d.err != nil {
		t.Fatalf("gave up early: %v", d.err)
	}
	tr = newSettleTracker(testLimits, settleT0)
	tr.observe(settleT0, st)
	d := tr.observe(settleT0.Add(30*time.Second), st)
	if !errors.Is(d.err, ErrCannotStart) || !strings.Contains(d.err.Error(), "pod p1/web-1 could not be scheduled for 30s: web-1 (Pending): not scheduled: Unschedulable: 0/1 nodes are available: 1 Too many pods") {
		t.Fatalf("after 30 s unschedulable: %+v", d)
	}
}

func TestSettleDone(t *testing.T) {
	s := settleSession()
	tr := newSettleTracker(testLimits, settleT0)
	if d := tr.observe(settleT0, s.assess(settleSnap(2))); !d.done || d.err != nil || d.report != "" {
		t.Fatalf("ready: %+v", d)
	}
}
