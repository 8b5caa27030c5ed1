package kube

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// Protections are what confines a level's player to the level, beyond RBAC:
// the Pod Security profile its namespaces enforce, the Service types the
// player may use, and its quota.
type Protections struct {
	// PodSecurity is the enforced profile; "" means baseline.
	PodSecurity string
	// NodePorts lets the player make NodePort Services.
	NodePorts bool
	// LoadBalancers lets the player make LoadBalancer Services.
	LoadBalancers bool
	// NodePortRange, when set, bounds the node ports the player may ask
	// for: on a cluster shared by several players, each gets their own.
	NodePortRange *PortRange
	// Quota overrides entries of DefaultQuota.
	Quota map[corev1.ResourceName]resource.Quantity
}

// PortRange is an inclusive range of ports.
type PortRange struct{ Min, Max int32 }

// Protect puts the level's protections on namespaces nss, which the game
// made: their labels (Pod Security and what the admission policies allow),
// their ResourceQuota and LimitRange, and the cluster's admission policies.
// What the game's identity is forbidden to do is skipped and named in
// skipped (on a current cluster whose user lacks the rights, which its
// preflight warns about); any other failure is an error.
func Protect(ctx context.Context, cs kubernetes.Interface, nss []string, level int, p Protections) (skipped []string, err error) {
	type step struct {
		what string
		do   func() error
	}
	var steps []step
	for _, ns := range nss {
		steps = append(steps,
			step{"the Pod Security labels of namespace " + ns, func() error { return labelNamespace(ctx, cs, ns, level, p) }},
			step{"the ResourceQuota and LimitRange of namespace " + ns, func() error { return ensureQuota(ctx, cs, ns, level, p.Quota) }})
	}
	steps = append(steps, step{"the admission policies on Services", func() error { return EnsureAdmissionPolicies(ctx, cs) }})
	for _, s := range steps {
		err := s.do()
		if apierrors.IsForbidden(err) {
			skipped = append(skipped, s.what)
			continue
		}
		if err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}

// labelNamespace sets the protection labels and annotations of ns, removing
// the allowances the level does not make.
func labelNamespace(ctx context.Context, cs kubernetes.Interface, ns string, level int, p Protections) error {
	labels := map[string]any{LabelAllowNodePorts: nil, LabelAllowLoadBalancers: nil}
	for k, v := range namespaceLabels(level, p) {
		labels[k] = v
	}
	ann := map[string]any{AnnotationNodePortMin: nil, AnnotationNodePortMax: nil}
	for k, v := range namespaceAnnotations(p) {
		ann[k] = v
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels, "annotations": ann}})
	if err != nil {
		return err
	}
	if _, err := cs.CoreV1().Namespaces().Patch(ctx, ns, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
		return fmt.Errorf("label namespace %s: %w", ns, err)
	}
	return nil
}
