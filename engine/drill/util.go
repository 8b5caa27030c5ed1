package drill

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/k8squest/k8squest/engine/kube"
)

// waitPod watches one pod by name until cond holds, as kubectl wait does.
func waitPod(ctx context.Context, cs kubernetes.Interface, ns, name string, cond func(*corev1.Pod) bool) (*corev1.Pod, error) {
	pods := cs.CoreV1().Pods(ns)
	lw := kube.ByName(name, pods.List, pods.Watch)
	var found *corev1.Pod
	matches := func(obj any) bool {
		p, ok := obj.(*corev1.Pod)
		if ok && cond(p) {
			found = p
			return true
		}
		return false
	}
	pre := func(store cache.Store) (bool, error) {
		for _, o := range store.List() {
			if matches(o) {
				return true, nil
			}
		}
		return false, nil
	}
	ev := func(e watch.Event) (bool, error) {
		return e.Type != watch.Deleted && matches(e.Object), nil
	}
	if _, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, pre, ev); err != nil {
		return nil, err
	}
	return found, nil
}

// recorder collects a drill's steps and reports each as it happens.
type recorder struct {
	steps  []Step
	report func(Step)
}

func (r *recorder) step(format string, a ...any) {
	s := Step{At: time.Now(), Message: fmt.Sprintf(format, a...)}
	r.steps = append(r.steps, s)
	if r.report != nil {
		r.report(s)
	}
}

func (r *recorder) fail(err error) Result {
	r.step("failed: %v", err)
	return Result{Passed: false, Steps: r.steps, Message: err.Error()}
}

func (r *recorder) pass(msg string) Result {
	return Result{Passed: true, Steps: r.steps, Message: msg}
}
