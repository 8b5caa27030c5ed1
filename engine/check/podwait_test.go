package check

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// Pods as the API shows them while they wait, built by hand.

func pendingPod(name string, conds []corev1.PodCondition, statuses ...corev1.ContainerStatus) *corev1.Pod {
	p := l30Pod(name, "", false)
	p.Status.Phase = corev1.PodPending
	p.Status.Conditions = append(p.Status.Conditions, conds...)
	p.Status.ContainerStatuses = statuses
	p.Spec.Containers = []corev1.Container{{Name: "nginx", Image: "nginx:1.27-alpine"}}
	return p
}

func waiting(reason, msg string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: "nginx", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: msg}}}
}

var unschedulable = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
	Message: "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."}}

func TestWaitOf(t *testing.T) {
	crashing := l30Pod("web-1", "10.244.0.2", false)
	crashing.Status.ContainerStatuses = []corev1.ContainerStatus{waiting(ReasonCrashLoopBackOff, "back-off 10s restarting failed container=nginx")}
	initPod := pendingPod("web-0", nil)
	initPod.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "setup", Image: "busybox:1.36", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: ReasonPodInitializing}}}}
	onNode := pendingPod("web-0", nil)
	onNode.Spec.NodeName = "node-1"
	for _, tc := range []struct {
		name   string
		pod    *corev1.Pod
		kind   WaitKind
		reason string
		image  string
		text   string
	}{
		{"too many pods", pendingPod("web-0", unschedulable), WaitBlocked, "Unschedulable", "",
			"web-0 (Pending): not scheduled: Unschedulable: 0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod"},
		{"pulling", pendingPod("web-0", nil, waiting(ReasonContainerCreating, "")), WaitProgress, ReasonContainerCreating, "nginx:1.27-alpine",
			"web-0 (Pending): container nginx ContainerCreating"},
		{"pull failed", pendingPod("web-0", nil, waiting(ReasonErrImagePull, "rpc error: toomanyrequests: You have reached your pull rate limit.")), WaitBlocked, ReasonErrImagePull, "nginx:1.27-alpine",
			"web-0 (Pending): container nginx ErrImagePull: rpc error: toomanyrequests: You have reached your pull rate limit"},
		{"pull backing off", pendingPod("web-0", nil, waiting(ReasonImagePullBackOff, `Back-off pulling image "nginx:1.27-alpine"`)), WaitBlocked, ReasonImagePullBackOff, "nginx:1.27-alpine",
			`web-0 (Pending): container nginx ImagePullBackOff: Back-off pulling image "nginx:1.27-alpine"`},
		{"crash loop", crashing, WaitFailing, ReasonCrashLoopBackOff, "",
			"web-1 (running, not ready): container nginx CrashLoopBackOff: back-off 10s restarting failed container=nginx"},
		{"running not ready", l30Pod("web-2", "10.244.0.3", false), WaitFailing, "", "", "web-2 (running, not ready)"},
		{"init container", initPod, WaitProgress, ReasonPodInitializing, "busybox:1.36", "web-0 (Pending): container setup PodInitializing"},
		{"not scheduled yet", pendingPod("web-0", nil), WaitProgress, "", "", "web-0 (Pending): waiting for the scheduler"},
		{"scheduled, not started", onNode, WaitProgress, "", "", "web-0 (Pending): waiting for node node-1 to start it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := WaitOf(tc.pod)
			if w.Kind != tc.kind || w.Reason != tc.reason || w.Image != tc.image || w.Text != tc.text {
				t.Fatalf("got %s %q image %q %q,\nwant %s %q image %q %q", w.Kind, w.Reason, w.Image, w.Text, tc.kind, tc.reason, tc.image, tc.text)
			}
		})
	}
}

func TestWaitClasses(t *testing.T) {
	pull := WaitOf(pendingPod("a", nil, waiting(ReasonImagePullBackOff, "")))
	sched := WaitOf(pendingPod("a", unschedulable))
	creating := WaitOf(pendingPod("a", nil, waiting(ReasonContainerCreating, "")))
	if !pull.Pulling() || pull.Unschedulable() || !sched.Unschedulable() || sched.Pulling() || creating.Pulling() || creating.Unschedulable() {
		t.Fatalf("classes: pull %+v, unschedulable %+v, creating %+v", pull, sched, creating)
	}
	// The worst reason wins: a blocked container outranks a creating one.
	both := pendingPod("a", nil, waiting(ReasonContainerCreating, ""), waiting(ReasonErrImagePull, "no such host"))
	both.Status.ContainerStatuses[1].Name = "sidecar"
	if w := WaitOf(both); w.Kind != WaitBlocked || w.Reason != ReasonErrImagePull || !strings.Contains(w.Text, "container nginx ContainerCreating; container sidecar ErrImagePull: no such host") {
		t.Fatalf("got %+v", w)
	}
}

// The workloadReady check names each waiting pod's reason, so the player
// sees why the replicas are not ready.
func TestReadyNamesWaitingReasons(t *testing.T) {
	snap := &snapshot.Snapshot{
		StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 1)},
		Pods: []*corev1.Pod{
			l30Pod("web-0", "10.244.0.1", true),
			pendingPod("web-1", nil, waiting(ReasonImagePullBackOff, `Back-off pulling image "nginx:1.27-alpine"`)),
			pendingPod("web-2", unschedulable),
		},
	}
	c, err := Build("workloadReady", []byte(`{kind: StatefulSet, name: web}`))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Run(context.Background(), &Env{Namespace: l30NS, Snap: snap})
	want := `StatefulSet web: 1 of 3 replicas ready, 3 updated; not ready: web-1 (Pending): container nginx ImagePullBackOff: Back-off pulling image "nginx:1.27-alpine", ` +
		`web-2 (Pending): not scheduled: Unschedulable: 0/1 nodes are available: 1 Too many pods`
	if r.Status != Fail || !strings.HasPrefix(r.Message, want) {
		t.Fatalf("got %s %q,\nwant a failure starting %q", r.Status, r.Message, want)
	}
}
