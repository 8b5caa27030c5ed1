package kube

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestNamespaceLabels(t *testing.T) {
	l := namespaceLabels(22, Protections{NodePorts: true})
	want := map[string]string{
		LabelManagedBy: FieldManager, LabelLevel: "22",
		psaPrefix + "enforce": "baseline", psaPrefix + "enforce-version": "v1.37",
		psaPrefix + "warn": "restricted", psaPrefix + "warn-version": "v1.37",
		psaPrefix + "audit": "restricted", psaPrefix + "audit-version": "v1.37",
		LabelAllowNodePorts: "true",
	}
	if len(l) != len(want) {
		t.Fatalf("labels %v, want %v", l, want)
	}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("label %s = %q, want %q", k, l[k], v)
		}
	}
	if l := namespaceLabels(0, Protections{PodSecurity: PodSecurityPrivileged}); l[psaPrefix+"enforce"] != "privileged" || l[LabelAllowLoadBalancers] != "" {
		t.Fatalf("privileged level: %v", l)
	}
	if a := namespaceAnnotations(Protections{NodePortRange: &PortRange{Min: 30100, Max: 30109}}); a[AnnotationNodePortMin] != "30100" || a[AnnotationNodePortMax] != "30109" {
		t.Fatalf("range annotations %v", a)
	}
}

func TestQuotaHardMergesOverrides(t *testing.T) {
	hard := quotaHard(map[corev1.ResourceName]resource.Quantity{corev1.ResourcePods: resource.MustParse("40")})
	pods, cms := hard[corev1.ResourcePods], hard[corev1.ResourceConfigMaps]
	if len(hard) != len(DefaultQuota) || pods.String() != "40" || cms.String() != DefaultQuota[corev1.ResourceConfigMaps] {
		t.Fatalf("hard %v", hard)
	}
	podQ := resource.MustParse(DefaultQuota[corev1.ResourcePods])
	if podQ.Value() != 20 {
		t.Fatal("the default pod count changed: DefaultQuota's comment and the compute totals must change with it")
	}
	// The compute totals must admit the pod count at the LimitRange's defaults.
	n := podQ.Value()
	for _, c := range []struct {
		quota corev1.ResourceName
		each  resource.Quantity
	}{
		{corev1.ResourceRequestsCPU, DefaultRequest[corev1.ResourceCPU]},
		{corev1.ResourceRequestsMemory, DefaultRequest[corev1.ResourceMemory]},
		{corev1.ResourceLimitsCPU, DefaultLimit[corev1.ResourceCPU]},
		{corev1.ResourceLimitsMemory, DefaultLimit[corev1.ResourceMemory]},
	} {
		total := resource.MustParse(DefaultQuota[c.quota])
		if c.each.MilliValue()*n > total.MilliValue() {
			t.Errorf("%d pods at %s each exceed %s %s", n, c.each.String(), c.quota, total.String())
		}
	}
}

// TestEnsureAdmissionPoliciesIsIdempotent checks that the policies are
// written once, and again only when the game's version of them changes.
func TestEnsureAdmissionPoliciesIsIdempotent(t *testing.T) {
	cs := fake.NewClientset()
	ctx := context.Background()
	writes := func() int {
		n := 0
		for _, a := range cs.Actions() {
			if a.GetVerb() == "create" || a.GetVerb() == "update" {
				n++
			}
		}
		return n
	}
	if err := EnsureAdmissionPolicies(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if n := writes(); n != 4 {
		t.Fatalf("first run wrote %d objects, want 2 policies and 2 bindings", n)
	}
	if err := EnsureAdmissionPolicies(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if n := writes(); n != 4 {
		t.Fatalf("second run wrote again: %d writes in all", n)
	}
	p, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Get(ctx, PolicyExternalIPs, metaGet)
	if err != nil {
		t.Fatal(err)
	}
	p.Annotations[specHashAnnotation] = "older"
	if _, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Update(ctx, p, metaUpdate); err != nil {
		t.Fatal(err)
	}
	before := writes()
	if err := EnsureAdmissionPolicies(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if n := writes() - before; n != 1 {
		t.Fatalf("a changed policy took %d writes, want 1", n)
	}
	b, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Get(ctx, PolicyPlayerServices, metaGet)
	if err != nil || b.Spec.MatchResources.NamespaceSelector.MatchLabels[LabelManagedBy] != FieldManager {
		t.Fatalf("binding %+v, %v", b, err)
	}
}

// TestPlayerRulesSpellVerbsOut checks the player's Role: no wildcard, and
// read-only Endpoints and EndpointSlices.
func TestPlayerRulesSpellVerbsOut(t *testing.T) {
	for _, r := range append(PlayerNamespaceRules(), PlayerViewRules()...) {
		if slices.Contains(r.Verbs, "*") || slices.Contains(r.Resources, "*") || slices.Contains(r.APIGroups, "*") {
			t.Errorf("rule %v has a wildcard", r)
		}
		for _, res := range r.Resources {
			if (res == "endpoints" || res == "endpointslices") && !slices.Equal(r.Verbs, []string{"get", "list", "watch"}) {
				t.Errorf("the player may %v %s", r.Verbs, res)
			}
		}
	}
}

var (
	metaGet    = metav1.GetOptions{}
	metaUpdate = metav1.UpdateOptions{}
)

// TestProtectSkipsWhatIsForbidden checks that Protect labels the namespace,
// and names instead of failing on the protections the identity may not make.
func TestProtectSkipsWhatIsForbidden(t *testing.T) {
	cs := fake.NewClientset(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lvl", Labels: map[string]string{LabelAllowLoadBalancers: "true"}}})
	forbid := func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: a.GetResource().Resource}, "", errors.New("no"))
	}
	cs.PrependReactor("create", "resourcequotas", forbid)
	cs.PrependReactor("get", "validatingadmissionpolicies", forbid)
	skipped, err := Protect(context.Background(), cs, []string{"lvl"}, 22, Protections{NodePorts: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(skipped, []string{"the ResourceQuota and LimitRange of namespace lvl", "the admission policies on Services"}) {
		t.Fatalf("skipped %q", skipped)
	}
	ns, err := cs.CoreV1().Namespaces().Get(context.Background(), "lvl", metaGet)
	if err != nil {
		t.Fatal(err)
	}
	if ns.Labels[psaPrefix+"enforce"] != "baseline" || ns.Labels[LabelAllowNodePorts] != "true" || ns.Labels[LabelLevel] != "22" {
		t.Fatalf("labels %v", ns.Labels)
	}
	if _, stale := ns.Labels[LabelAllowLoadBalancers]; stale {
		t.Fatalf("an allowance the level does not make was kept: %v", ns.Labels)
	}
	cs.PrependReactor("patch", "namespaces", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewInternalError(errors.New("etcd down"))
	})
	if _, err := Protect(context.Background(), cs, []string{"lvl"}, 22, Protections{}); err == nil || !strings.Contains(err.Error(), "label namespace lvl") {
		t.Fatalf("another failure: %v", err)
	}
}
