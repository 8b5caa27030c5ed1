package check

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// WaitKind classifies what keeps a pod from being ready.
type WaitKind int

const (
	// WaitUnknown means the pod shows no reason.
	WaitUnknown WaitKind = iota
	// WaitProgress means the cluster is working on it: the scheduler has
	// not decided yet, or the node is pulling images or creating containers.
	WaitProgress
	// WaitFailing means the pod starts but does not get ready: a container
	// crashes, or a readiness probe fails.
	WaitFailing
	// WaitBlocked means the pod will not start on its own: no node can take
	// it, or an image cannot be pulled.
	WaitBlocked
)

// String implements fmt.Stringer.
func (k WaitKind) String() string {
	switch k {
	case WaitUnknown:
		return "unknown"
	case WaitProgress:
		return "progress"
	case WaitFailing:
		return "failing"
	case WaitBlocked:
		return "blocked"
	default:
		return "invalid"
	}
}

// Container waiting reasons the kubelet reports.
const (
	ReasonContainerCreating = "ContainerCreating"
	ReasonPodInitializing   = "PodInitializing"
	ReasonErrImagePull      = "ErrImagePull"
	ReasonImagePullBackOff  = "ImagePullBackOff"
	ReasonInvalidImageName  = "InvalidImageName"
	ReasonErrImageNeverPull = "ErrImageNeverPull"
	ReasonCrashLoopBackOff  = "CrashLoopBackOff"
)

// PodWait is what keeps one pod from being ready.
type PodWait struct {
	// Kind is the worst of the pod's reasons.
	Kind WaitKind
	// Reason is the reason of that kind: a container's waiting reason
	// (ImagePullBackOff) or the scheduler's (Unschedulable).
	Reason string
	// Image is the image of the container Reason is about, if any.
	Image string
	// Text says it all in one line: "web-0 Pending: container nginx
	// ImagePullBackOff: Back-off pulling image ...".
	Text string
}

// Pulling reports whether the wait is about an image that cannot be pulled.
func (w PodWait) Pulling() bool {
	switch w.Reason {
	case ReasonErrImagePull, ReasonImagePullBackOff, ReasonInvalidImageName, ReasonErrImageNeverPull:
		return true
	}
	return false
}

// Unschedulable reports whether the scheduler cannot place the pod.
func (w PodWait) Unschedulable() bool { return w.Reason == corev1.PodReasonUnschedulable }

// WaitOf says what keeps pod p from being ready: the scheduler's reason and
// message when it could not place the pod (PodScheduled=False), and each
// waiting container's reason and message (ContainerCreating, ErrImagePull,
// ImagePullBackOff, CrashLoopBackOff).
func WaitOf(p *corev1.Pod) PodWait {
	w := PodWait{}
	var parts []string
	see := func(k WaitKind, reason, image, text string) {
		parts = append(parts, text)
		if k > w.Kind {
			w.Kind, w.Reason, w.Image = k, reason, image
		}
	}
	if c := condition(p, corev1.PodScheduled); c != nil && c.Status == corev1.ConditionFalse {
		k := WaitProgress
		if c.Reason == corev1.PodReasonUnschedulable {
			k = WaitBlocked
		}
		see(k, c.Reason, "", joinNonEmpty(": ", "not scheduled", c.Reason, oneLine(c.Message)))
	}
	for _, group := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, cs := range group {
			if cs.State.Waiting == nil {
				continue
			}
			r := cs.State.Waiting.Reason
			see(waitKind(r), r, imageOf(p, cs), joinNonEmpty(": ", "container "+cs.Name+" "+r, oneLine(cs.State.Waiting.Message)))
		}
	}
	if len(parts) == 0 && p.Status.Phase == corev1.PodPending {
		k, why := WaitProgress, "waiting for the scheduler"
		if p.Spec.NodeName != "" {
			why = "waiting for node " + p.Spec.NodeName + " to start it"
		}
		see(k, "", "", why)
	}
	if w.Kind < WaitFailing && p.Status.Phase == corev1.PodRunning {
		w.Kind = WaitFailing
	}
	w.Text = podPhase(p)
	if len(parts) > 0 {
		w.Text += ": " + strings.Join(parts, "; ")
	}
	return w
}

// imageOf is the image a container status names, else the one its spec names.
func imageOf(p *corev1.Pod, cs corev1.ContainerStatus) string {
	if cs.Image != "" {
		return cs.Image
	}
	for _, c := range append(append([]corev1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...) {
		if c.Name == cs.Name {
			return c.Image
		}
	}
	return ""
}

// waitKind classifies a container's waiting reason.
func waitKind(reason string) WaitKind {
	switch reason {
	case ReasonContainerCreating, ReasonPodInitializing:
		return WaitProgress
	case ReasonErrImagePull, ReasonImagePullBackOff, ReasonInvalidImageName, ReasonErrImageNeverPull:
		return WaitBlocked
	default:
		return WaitFailing
	}
}

// podPhase names the pod with its phase, the way the player sees it.
func podPhase(p *corev1.Pod) string {
	switch {
	case p.DeletionTimestamp != nil:
		return p.Name + " (terminating)"
	case p.Status.Phase == corev1.PodRunning:
		return p.Name + " (running, not ready)"
	case p.Status.Phase == "":
		return p.Name + " (Pending)"
	}
	return fmt.Sprintf("%s (%s)", p.Name, p.Status.Phase)
}

func condition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// oneLine folds a multi-line message (the scheduler's can have several) and
// trims its trailing period, so it fits in a sentence.
func oneLine(s string) string {
	return strings.TrimSuffix(strings.Join(strings.Fields(s), " "), ".")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
