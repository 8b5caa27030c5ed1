package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// The player's shell pod, for a learner who plays over SSH: it lives in
// PlayersNamespace next to the player's ServiceAccount (a pod runs only as
// an account of its own namespace), so a level's checks, quota and reset
// never see it, and the player, who holds no rights there, can neither see
// it nor exec into it. Its kubectl finds the player's mounted token.
const (
	// ShellContainer is the shell pod's one container.
	ShellContainer = "shell"
	// ShellImageRepo is the image the shell pod runs, tagged with the
	// cluster's version: kubectl and a shell, as Kubernetes releases it.
	ShellImageRepo = "registry.k8s.io/kubectl"
	// shellUser is the shell's user: nobody, never root.
	shellUser = 65534
	// shellReadyTimeout bounds waiting for a new shell pod to run.
	shellReadyTimeout = 2 * time.Minute
)

// ShellPodName names the shell pod of the player whose levels run in
// namespace mainNS.
func ShellPodName(mainNS string) string { return "shell-" + mainNS }

// ShellImage is the shell pod's image for a cluster whose API server
// reports gitVersion (such as v1.37.2, or v1.31.4-gke.100): the kubectl
// release of the same version, without a vendor's suffix.
func ShellImage(gitVersion string) string {
	v, _, _ := strings.Cut(gitVersion, "+")
	v, _, _ = strings.Cut(v, "-")
	return ShellImageRepo + ":" + v
}

// ShellPod is the shell pod of the player of mainNS, running image: it
// waits for an exec, as the player, in a container the restricted Pod
// Security profile admits.
func ShellPod(mainNS, image string) *corev1.Pod {
	yes, no, user := true, false, int64(shellUser)
	grace := int64(1)
	small := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("32Mi")}
	most := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
	labels := managed(0)
	labels[LabelShellOf] = mainNS
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: ShellPodName(mainNS), Namespace: PlayersNamespace, Labels: labels},
		Spec: corev1.PodSpec{
			ServiceAccountName:            PlayerAccount(mainNS),
			AutomountServiceAccountToken:  &yes,
			EnableServiceLinks:            &no,
			TerminationGracePeriodSeconds: &grace,
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot: &yes, RunAsUser: &user, RunAsGroup: &user, FSGroup: &user,
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:  ShellContainer,
				Image: image,
				// A shell that waits, and ends at once on SIGTERM.
				Command:    []string{"/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"},
				WorkingDir: "/tmp",
				Env: []corev1.EnvVar{
					{Name: "HOME", Value: "/tmp"},
					{Name: "POD_NAMESPACE", Value: mainNS},
				},
				Resources: corev1.ResourceRequirements{Requests: small, Limits: most},
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: &no,
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
				VolumeMounts: []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
				Stdin:        true,
				TTY:          true,
			}},
			Volumes: []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
}

// LabelShellOf marks a shell pod with the namespace its player plays in.
const LabelShellOf = "k8squest.io/shell-of"

// EnsureShellPod creates the shell pod of the player of mainNS when it is
// not there (a finished or failed one is replaced) and waits until it
// runs. The player's ServiceAccount must exist (EnsurePlayer).
func EnsureShellPod(ctx context.Context, cs kubernetes.Interface, mainNS, image string) (*corev1.Pod, error) {
	pods := cs.CoreV1().Pods(PlayersNamespace)
	name := ShellPodName(mainNS)
	old, err := pods.Get(ctx, name, metav1.GetOptions{})
	switch {
	case err == nil && old.DeletionTimestamp == nil && (old.Status.Phase == corev1.PodRunning || old.Status.Phase == corev1.PodPending):
		return waitShellRunning(ctx, cs, name)
	case err == nil:
		if err := DeleteShellPod(ctx, cs, mainNS); err != nil {
			return nil, err
		}
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("read shell pod %s/%s: %w", PlayersNamespace, name, err)
	}
	if _, err := pods.Create(ctx, ShellPod(mainNS, image), metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("create shell pod %s/%s: %w", PlayersNamespace, name, err)
	}
	return waitShellRunning(ctx, cs, name)
}

// errShellEnded is a shell pod that stopped before it ran.
var errShellEnded = errors.New("the shell pod ended")

// waitShellRunning waits, bounded, until shell pod name runs, saying why
// it does not (an image that cannot be pulled, say) when it gives up.
func waitShellRunning(ctx context.Context, cs kubernetes.Interface, name string) (*corev1.Pod, error) {
	wctx, cancel := context.WithTimeout(ctx, shellReadyTimeout)
	defer cancel()
	pods := cs.CoreV1().Pods(PlayersNamespace)
	var last *corev1.Pod
	check := func(p *corev1.Pod) (bool, error) {
		last = p
		switch p.Status.Phase {
		case corev1.PodRunning:
			return true, nil
		case corev1.PodSucceeded, corev1.PodFailed:
			return false, errShellEnded
		case corev1.PodPending, corev1.PodUnknown:
			return false, nil
		}
		return false, nil
	}
	lw := ByName(name, pods.List, pods.Watch)
	synced := func(store cache.Store) (bool, error) {
		for _, o := range store.List() {
			return check(o.(*corev1.Pod))
		}
		return false, nil
	}
	event := func(e watch.Event) (bool, error) {
		p, ok := e.Object.(*corev1.Pod)
		if !ok || e.Type == watch.Deleted {
			return false, errShellEnded
		}
		return check(p)
	}
	_, err := watchtools.UntilWithSync(wctx, lw, &corev1.Pod{}, synced, event)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("wait for shell pod %s/%s to run: %w%s", PlayersNamespace, name, err, waitingReason(last))
	}
	return last, nil
}

// waitingReason is why pod p's container is not running yet, for an error.
func waitingReason(p *corev1.Pod) string {
	if p == nil {
		return ""
	}
	for _, s := range p.Status.ContainerStatuses {
		if w := s.State.Waiting; w != nil && w.Reason != "" {
			return fmt.Sprintf(" (%s: %s %s)", s.Name, w.Reason, w.Message)
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Status != corev1.ConditionTrue && c.Message != "" {
			return fmt.Sprintf(" (%s: %s)", c.Type, c.Message)
		}
	}
	return ""
}

// DeleteShellPod deletes the shell pod of the player of mainNS, at once; a
// missing one is not an error.
func DeleteShellPod(ctx context.Context, cs kubernetes.Interface, mainNS string) error {
	zero := int64(0)
	err := cs.CoreV1().Pods(PlayersNamespace).Delete(ctx, ShellPodName(mainNS), metav1.DeleteOptions{GracePeriodSeconds: &zero})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete shell pod %s/%s: %w", PlayersNamespace, ShellPodName(mainNS), err)
	}
	return nil
}

// DeleteShellPods deletes every player's shell pod, for the end of a
// workshop.
func DeleteShellPods(ctx context.Context, cs kubernetes.Interface) error {
	zero := int64(0)
	err := cs.CoreV1().Pods(PlayersNamespace).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &zero},
		metav1.ListOptions{LabelSelector: LabelShellOf})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete the shell pods in %s: %w", PlayersNamespace, err)
	}
	return nil
}

// kwokNode is the annotation of a node whose pods never really run (the
// sim's kwok node).
const kwokNode = "kwok.x-k8s.io/node"

// RunsRealPods reports whether the cluster has a node that really runs
// pods: one that is not kwok's.
func RunsRealPods(ctx context.Context, cs kubernetes.Interface) (bool, error) {
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, fmt.Errorf("list the nodes: %w", err)
	}
	for _, n := range nodes.Items {
		if n.Annotations[kwokNode] != "fake" {
			return true, nil
		}
	}
	return false, nil
}
