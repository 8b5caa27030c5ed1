package kindcluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/k8squest/k8squest/engine/cluster"
)

// DNSNamespace and DNSLabel find the cluster DNS pods, as kubeadm labels them.
const (
	DNSNamespace = "kube-system"
	DNSLabel     = "k8s-app=kube-dns"
)

// Progress steps of the health wait.
const (
	stepNodes = "Waiting for the nodes to be Ready"
	stepDNS   = "Waiting for cluster DNS"
)

// nodesProblem says what keeps the cluster's nodes from being Ready, or "".
func nodesProblem(nodes []*corev1.Node) string {
	if len(nodes) == 0 {
		return "the cluster has no nodes"
	}
	slices.SortFunc(nodes, func(a, b *corev1.Node) int { return strings.Compare(a.Name, b.Name) })
	for _, n := range nodes {
		if c := nodeReady(n); c == nil || c.Status != corev1.ConditionTrue {
			return fmt.Sprintf("node %s is NotReady%s", n.Name, conditionWhy(c))
		}
	}
	return ""
}

func nodeReady(n *corev1.Node) *corev1.NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == corev1.NodeReady {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// conditionWhy is ": reason: message" for a condition, "" when it says nothing.
func conditionWhy(c *corev1.NodeCondition) string {
	if c == nil {
		return " (it reports no Ready condition yet)"
	}
	var parts []string
	for _, s := range []string{c.Reason, c.Message} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ": ")
}

// dnsProblem says why no cluster DNS pod is Ready, or "" when one is.
func dnsProblem(pods []*corev1.Pod) string { return dnsProblemSince(time.Time{})(pods) }

// dnsProblemSince is dnsProblem for nodes started at since: a pod whose
// containers started before then is Ready only in the API server's memory
// of the time before the stop, so it counts once it has run again. The
// zero time counts every Ready pod.
func dnsProblemSince(since time.Time) func([]*corev1.Pod) string {
	return func(pods []*corev1.Pod) string {
		if len(pods) == 0 {
			return fmt.Sprintf("no cluster DNS pod (label %s in %s) exists", DNSLabel, DNSNamespace)
		}
		slices.SortFunc(pods, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
		var why []string
		for _, p := range pods {
			switch {
			case !podReady(p):
				why = append(why, p.Name+" is "+podState(p))
			case !startedSince(p, since):
				why = append(why, p.Name+" has not restarted since the node was started")
			default:
				return ""
			}
		}
		return "no cluster DNS pod is Ready: " + strings.Join(why, ", ")
	}
}

// startedSince reports whether every container of p runs and started at or
// after since (to the second, as the API reports it).
func startedSince(p *corev1.Pod, since time.Time) bool {
	if since.IsZero() {
		return true
	}
	if len(p.Status.ContainerStatuses) == 0 {
		return false
	}
	for _, cs := range p.Status.ContainerStatuses {
		r := cs.State.Running
		if r == nil || r.StartedAt.Time.Before(since.Truncate(time.Second)) {
			return false
		}
	}
	return true
}

func podReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podState is the pod's phase and, when a container waits, why.
func podState(p *corev1.Pod) string {
	s := string(p.Status.Phase)
	if s == "" {
		s = "Pending"
	}
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil && w.Reason != "" {
			return s + " (" + w.Reason + ")"
		}
	}
	if s == string(corev1.PodRunning) {
		return s + " but not Ready"
	}
	return s
}

// checkHealth looks once: every node Ready and a Ready cluster DNS pod.
// It returns what is wrong, or "".
func checkHealth(ctx context.Context, cs kubernetes.Interface) (string, error) {
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", fmt.Errorf("list nodes: %w", err)
	}
	if p := nodesProblem(ptrs(nodes.Items)); p != "" {
		return p, nil
	}
	pods, err := cs.CoreV1().Pods(DNSNamespace).List(ctx, metav1.ListOptions{LabelSelector: DNSLabel})
	if err != nil {
		return "", fmt.Errorf("list cluster DNS pods: %w", err)
	}
	return dnsProblem(ptrs(pods.Items)), nil
}

// waitHealthy waits up to budget for every node to be Ready and then for a
// Ready cluster DNS pod (one that ran again since the nodes were started at
// since, when since is not zero), each in its own progress step. It returns
// what is still wrong when the budget runs out ("" when healthy); err is
// for failures to ask and for ctx ending.
func waitHealthy(ctx context.Context, cs kubernetes.Interface, rep cluster.Reporter, budget time.Duration, since time.Time) (string, error) {
	wctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	nodes := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Nodes().List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return cs.CoreV1().Nodes().Watch(ctx, o)
		},
	}
	w := waiter{parent: ctx, ctx: wctx, rep: rep}
	if p, err := waitStep(w, stepNodes, cache.ToListWatcherWithWatchListSemantics(nodes, cs), &corev1.Node{}, nodesProblem); p != "" || err != nil {
		return p, err
	}
	pods := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = DNSLabel
			return cs.CoreV1().Pods(DNSNamespace).List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = DNSLabel
			return cs.CoreV1().Pods(DNSNamespace).Watch(ctx, o)
		},
	}
	return waitStep(w, stepDNS, cache.ToListWatcherWithWatchListSemantics(pods, cs), &corev1.Pod{}, dnsProblemSince(since))
}

// waiter is one bounded health wait: ctx carries the budget, parent the
// caller's own context.
type waiter struct {
	parent, ctx context.Context
	rep         cluster.Reporter
}

// waitStep watches lw until problem says nothing is wrong or the budget
// runs out. The step is shown only when the first look finds something
// wrong; each new problem is reported as a detail.
func waitStep[T any, PT interface {
	*T
	runtime.Object
}](w waiter, step string, lw cache.ListerWatcher, obj PT, problem func([]PT) string) (string, error) {
	var store cache.Store
	last, shown := "", false
	look := func() bool {
		p := problem(storeItems[T, PT](store))
		if p != "" && p != last {
			if !shown {
				w.rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
				shown = true
			}
			w.rep.Report(cluster.Event{Step: step, State: cluster.StepInfo, Detail: p})
		}
		last = p
		return p == ""
	}
	pre := func(s cache.Store) (bool, error) { store = s; return look(), nil }
	cond := func(watch.Event) (bool, error) { return look(), nil }
	_, err := watchtools.UntilWithSync(w.ctx, lw, obj, pre, cond)
	switch {
	case err == nil:
		if shown {
			w.rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
		}
		return "", nil
	case w.parent.Err() != nil:
		return "", fmt.Errorf("%s: %w", lower(step), w.parent.Err())
	case w.ctx.Err() != nil:
		if last == "" {
			last = "the API server did not list what it was asked for: " + err.Error()
		}
		if !shown {
			w.rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
		}
		w.rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: last})
		return last, nil
	default:
		if shown {
			w.rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		}
		return "", fmt.Errorf("%s: %w", lower(step), err)
	}
}

func lower(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// storeItems returns the store's objects of type PT.
func storeItems[T any, PT interface {
	*T
	runtime.Object
}](s cache.Store) []PT {
	if s == nil {
		return nil
	}
	var out []PT
	for _, o := range s.List() {
		if t, ok := o.(PT); ok {
			out = append(out, t)
		}
	}
	return out
}

func ptrs[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
