package kube

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	admv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Labels and annotations the game puts on a level namespace to tell its
// ValidatingAdmissionPolicies what the level allows. The player cannot
// change a namespace, so cannot change them.
const (
	// LabelAllowNodePorts is "true" where the level uses NodePort Services.
	LabelAllowNodePorts = "k8squest.dev/allow-node-ports"
	// LabelAllowLoadBalancers is "true" where the level uses LoadBalancer Services.
	LabelAllowLoadBalancers = "k8squest.dev/allow-load-balancers"
	// AnnotationNodePortMin and AnnotationNodePortMax bound the node ports
	// the player may ask for, on a cluster shared by several players.
	AnnotationNodePortMin = "k8squest.dev/node-port-min"
	AnnotationNodePortMax = "k8squest.dev/node-port-max"

	// PolicyExternalIPs refuses externalIPs on Services, from anyone.
	PolicyExternalIPs = "k8squest-no-external-ips"
	// PolicyPlayerServices limits the player's Service types and node ports.
	PolicyPlayerServices = "k8squest-player-services"

	specHashAnnotation = "k8squest.dev/spec-hash"
)

// Messages of the game's admission policies, as the API server returns them.
const (
	MsgExternalIPs   = "k8squest: a Service may not set spec.externalIPs here: an external IP captures that address's traffic for the whole cluster (CVE-2020-8554)"
	MsgLoadBalancer  = "k8squest: this level does not use LoadBalancer Services; expose the Service as the briefing asks"
	MsgNodePort      = "k8squest: this level does not use NodePort Services (a node port opens on every node of the cluster); expose the Service as the briefing asks"
	MsgNodePortRange = "k8squest: a node port in this namespace must lie in the range the game gave this player"
)

// playerCondition matches requests made by a player's ServiceAccount: the
// game's own identity sets up broken states the player may not make.
var playerCondition = fmt.Sprintf("request.userInfo.username.startsWith('system:serviceaccount:%s:')", PlayersNamespace)

// nsLabel is CEL for "namespace label key is true".
func nsLabel(key string) string {
	return fmt.Sprintf("(has(namespaceObject.metadata.labels) && '%[1]s' in namespaceObject.metadata.labels && namespaceObject.metadata.labels['%[1]s'] == 'true')", key)
}

// nodePortsInRange is CEL: every node port lies in the namespace's range,
// when it has one.
var nodePortsInRange = fmt.Sprintf(`!has(namespaceObject.metadata.annotations) ||
  !('%[1]s' in namespaceObject.metadata.annotations) || !('%[2]s' in namespaceObject.metadata.annotations) ||
  !has(object.spec.ports) ||
  object.spec.ports.all(p, !has(p.nodePort) || p.nodePort == 0 ||
    (p.nodePort >= int(namespaceObject.metadata.annotations['%[1]s']) && p.nodePort <= int(namespaceObject.metadata.annotations['%[2]s'])))`,
	AnnotationNodePortMin, AnnotationNodePortMax)

var nodePortRangeMessage = fmt.Sprintf(`'%s: ' + namespaceObject.metadata.annotations['%s'] + '-' + namespaceObject.metadata.annotations['%s']`,
	MsgNodePortRange, AnnotationNodePortMin, AnnotationNodePortMax)

// servicePolicies are the game's ValidatingAdmissionPolicies.
func servicePolicies() []*admv1.ValidatingAdmissionPolicy {
	fail := admv1.Fail
	services := &admv1.MatchResources{ResourceRules: []admv1.NamedRuleWithOperations{{RuleWithOperations: admv1.RuleWithOperations{
		Operations: []admv1.OperationType{admv1.Create, admv1.Update},
		Rule:       admv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"services"}},
	}}}}
	return []*admv1.ValidatingAdmissionPolicy{
		{
			ObjectMeta: metav1.ObjectMeta{Name: PolicyExternalIPs, Labels: managed(0)},
			Spec: admv1.ValidatingAdmissionPolicySpec{
				FailurePolicy: &fail, MatchConstraints: services.DeepCopy(),
				Validations: []admv1.Validation{{
					Expression: "!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0",
					Message:    MsgExternalIPs, Reason: ptr(metav1.StatusReasonForbidden),
				}},
			},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: PolicyPlayerServices, Labels: managed(0)},
			Spec: admv1.ValidatingAdmissionPolicySpec{
				FailurePolicy: &fail, MatchConstraints: services.DeepCopy(),
				MatchConditions: []admv1.MatchCondition{{Name: "player", Expression: playerCondition}},
				Validations: []admv1.Validation{
					{Expression: "object.spec.type != 'LoadBalancer' || " + nsLabel(LabelAllowLoadBalancers), Message: MsgLoadBalancer, Reason: ptr(metav1.StatusReasonForbidden)},
					{Expression: "object.spec.type != 'NodePort' || " + nsLabel(LabelAllowNodePorts), Message: MsgNodePort, Reason: ptr(metav1.StatusReasonForbidden)},
					{Expression: nodePortsInRange, Message: MsgNodePortRange, MessageExpression: nodePortRangeMessage, Reason: ptr(metav1.StatusReasonForbidden)},
				},
			},
		},
	}
}

// binding binds policy to every namespace the game labels.
func binding(policy string) *admv1.ValidatingAdmissionPolicyBinding {
	return &admv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: policy, Labels: managed(0)},
		Spec: admv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        policy,
			ValidationActions: []admv1.ValidationAction{admv1.Deny},
			MatchResources: &admv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{LabelManagedBy: FieldManager},
			}},
		},
	}
}

// EnsureAdmissionPolicies creates the game's ValidatingAdmissionPolicies and
// their bindings once per cluster, and updates them only when the game's
// version of them changed. The API server applies a new policy within
// about a second.
func EnsureAdmissionPolicies(ctx context.Context, cs kubernetes.Interface) error {
	api := cs.AdmissionregistrationV1()
	for _, p := range servicePolicies() {
		err := ensureHashed(ctx, &p.ObjectMeta, p.Spec, api.ValidatingAdmissionPolicies().Get,
			func(existing *admv1.ValidatingAdmissionPolicy) error {
				var err error
				if existing == nil {
					_, err = api.ValidatingAdmissionPolicies().Create(ctx, p, metav1.CreateOptions{})
				} else {
					p.ResourceVersion = existing.ResourceVersion
					_, err = api.ValidatingAdmissionPolicies().Update(ctx, p, metav1.UpdateOptions{})
				}
				return err
			})
		if err != nil {
			return fmt.Errorf("create ValidatingAdmissionPolicy %s: %w", p.Name, err)
		}
		b := binding(p.Name)
		err = ensureHashed(ctx, &b.ObjectMeta, b.Spec, api.ValidatingAdmissionPolicyBindings().Get,
			func(existing *admv1.ValidatingAdmissionPolicyBinding) error {
				var err error
				if existing == nil {
					_, err = api.ValidatingAdmissionPolicyBindings().Create(ctx, b, metav1.CreateOptions{})
				} else {
					b.ResourceVersion = existing.ResourceVersion
					_, err = api.ValidatingAdmissionPolicyBindings().Update(ctx, b, metav1.UpdateOptions{})
				}
				return err
			})
		if err != nil {
			return fmt.Errorf("create ValidatingAdmissionPolicyBinding %s: %w", b.Name, err)
		}
	}
	return nil
}

// hashed is an object whose metadata ensureHashed reads.
type hashed interface{ GetAnnotations() map[string]string }

// ensureHashed stamps meta with a hash of spec, and calls write with the
// existing object (nil when there is none) unless it already carries that
// hash.
func ensureHashed[T hashed](ctx context.Context, meta *metav1.ObjectMeta, spec any, get func(context.Context, string, metav1.GetOptions) (T, error), write func(existing T) error) error {
	raw, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	meta.Annotations = map[string]string{specHashAnnotation: hex.EncodeToString(sum[:8])}
	cur, err := get(ctx, meta.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		var none T
		err = write(none)
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return err
	case err != nil:
		return err
	case cur.GetAnnotations()[specHashAnnotation] == meta.Annotations[specHashAnnotation]:
		return nil
	}
	return write(cur)
}

func ptr[T any](v T) *T { return &v }
