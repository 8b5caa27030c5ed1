package kube

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/k8squest/k8squest/engine/check"
)

// QuotaName names the ResourceQuota, and the LimitRange, the game puts in
// every level namespace. They carry the game's managed-by label.
const QuotaName = "k8squest-level"

// quotaSyncTimeout bounds the wait for the quota controller to count what a
// new or changed quota covers: until it has, the API server refuses every
// object the quota covers.
const quotaSyncTimeout = 30 * time.Second

// DefaultQuota is what one level namespace may hold. A World 3 level runs at
// most four pods, two Services, one node port and one LoadBalancer, and no
// Secret or claim of its own; the limits leave the player about five times
// that room to experiment (twice for the cluster-wide node ports and load
// balancers), and stop a flood (a loop creating ConfigMaps, a Deployment
// scaled to 1000) long before it hurts a shared cluster. The compute totals
// admit the pod count at the LimitRange's defaults, 20 pods of 50m/64Mi
// requests and 500m/256Mi limits, with room left, so that with defaults
// the pod count is what stops a flood.
var DefaultQuota = map[corev1.ResourceName]string{
	corev1.ResourcePods:                   "20",
	corev1.ResourceServices:               "10",
	corev1.ResourceServicesNodePorts:      "4",
	corev1.ResourceServicesLoadBalancers:  "2",
	corev1.ResourceConfigMaps:             "20",
	corev1.ResourceSecrets:                "10",
	corev1.ResourcePersistentVolumeClaims: "5",
	corev1.ResourceRequestsCPU:            "2",
	corev1.ResourceRequestsMemory:         "2Gi",
	corev1.ResourceLimitsCPU:              "12",
	corev1.ResourceLimitsMemory:           "6Gi",
}

// Defaults a container without requests or limits gets from the LimitRange,
// so that the quota's compute totals admit it.
var (
	DefaultRequest = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")}
	DefaultLimit   = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
)

// QuotaResources lists the resource names a level may override.
func QuotaResources() []corev1.ResourceName {
	return slices.Sorted(maps.Keys(DefaultQuota))
}

// quotaHard merges a level's overrides onto DefaultQuota.
func quotaHard(over map[corev1.ResourceName]resource.Quantity) corev1.ResourceList {
	hard := corev1.ResourceList{}
	for k, v := range DefaultQuota {
		hard[k] = resource.MustParse(v)
	}
	maps.Copy(hard, over)
	return hard
}

// ensureQuota creates or updates the level's ResourceQuota and LimitRange
// in ns and waits until the quota is counted.
func ensureQuota(ctx context.Context, cs kubernetes.Interface, ns string, level int, over map[corev1.ResourceName]resource.Quantity) error {
	lr := &corev1.LimitRange{
		ObjectMeta: metav1.ObjectMeta{Name: QuotaName, Namespace: ns, Labels: managed(level)},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
			Type: corev1.LimitTypeContainer, Default: DefaultLimit.DeepCopy(), DefaultRequest: DefaultRequest.DeepCopy(),
		}}},
	}
	if err := upsert(ctx, cs.CoreV1().LimitRanges(ns), lr); err != nil {
		return fmt.Errorf("create LimitRange %s in %s: %w", QuotaName, ns, err)
	}
	q := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: QuotaName, Namespace: ns, Labels: managed(level)},
		Spec:       corev1.ResourceQuotaSpec{Hard: quotaHard(over)},
	}
	if err := upsert(ctx, cs.CoreV1().ResourceQuotas(ns), q); err != nil {
		return fmt.Errorf("create ResourceQuota %s in %s: %w", QuotaName, ns, err)
	}
	return waitQuotaCounted(ctx, cs, ns, q.Spec.Hard)
}

// waitQuotaCounted waits until the quota controller has written the quota's
// status for hard.
func waitQuotaCounted(ctx context.Context, cs kubernetes.Interface, ns string, hard corev1.ResourceList) error {
	ctx, cancel := context.WithTimeout(ctx, quotaSyncTimeout)
	defer cancel()
	qs := cs.CoreV1().ResourceQuotas(ns)
	counted := func(o any) bool {
		q, ok := o.(*corev1.ResourceQuota)
		return ok && equality.Semantic.DeepEqual(q.Status.Hard, hard) && len(q.Status.Used) == len(hard)
	}
	synced := func(store cache.Store) (bool, error) {
		l := store.List()
		return len(l) == 1 && counted(l[0]), nil
	}
	event := func(e watch.Event) (bool, error) { return e.Type != watch.Deleted && counted(e.Object), nil }
	_, err := watchtools.UntilWithSync(ctx, ByName(QuotaName, qs.List, qs.Watch), &corev1.ResourceQuota{}, synced, event)
	if err != nil {
		return fmt.Errorf("wait for the quota controller to count ResourceQuota %s in %s: %w", QuotaName, ns, err)
	}
	return nil
}

// quotaError is an API error with what the quota refusal in it means.
type quotaError struct {
	err     error
	explain string
}

func (e *quotaError) Error() string { return e.err.Error() + ": " + e.explain }
func (e *quotaError) Unwrap() error { return e.err }

// explainQuota adds to a quota refusal which quota is full and how to free
// it; other errors come back unchanged.
func explainQuota(err error) error {
	if err == nil {
		return nil
	}
	if s, ok := check.ExplainQuota(err.Error()); ok {
		return &quotaError{err: err, explain: s}
	}
	return err
}
