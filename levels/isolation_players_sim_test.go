package levels_test

import (
	"context"
	"slices"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/kube"
)

// TestTwoPlayersCannotTouchEachOther sets level 21 up for two players and
// tries, as the first, to read, change and reach the second's objects
// through every API a player holds in their own namespace.
func TestTwoPlayersCannotTouchEachOther(t *testing.T) {
	t.Parallel()
	a, b := setUp(t, 21), setUp(t, 21)
	cs := playerClient(t, playerKubeconfig(t, a))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pods, err := b.cs.CoreV1().Pods(b.ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) == 0 {
		t.Fatalf("player B's pods: %d, %v", len(pods.Items), err)
	}
	pod := pods.Items[0].Name
	ns := b.ns
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "intruder"}}
	patch := []byte(`{"spec":{"selector":{"app":"intruder"}}}`)
	tries := map[string]func() error{
		"list pods":       func() error { _, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{}); return err },
		"get pod":         func() error { _, err := cs.CoreV1().Pods(ns).Get(ctx, pod, metav1.GetOptions{}); return err },
		"watch services":  func() error { _, err := cs.CoreV1().Services(ns).Watch(ctx, metav1.ListOptions{}); return err },
		"list configmaps": func() error { _, err := cs.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{}); return err },
		"list endpoints":  func() error { _, err := cs.CoreV1().Endpoints(ns).List(ctx, metav1.ListOptions{}); return err },
		"list endpointslices": func() error {
			_, err := cs.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{})
			return err
		},
		"list events":      func() error { _, err := cs.CoreV1().Events(ns).List(ctx, metav1.ListOptions{}); return err },
		"list deployments": func() error { _, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{}); return err },
		"create configmap": func() error { _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); return err },
		"patch service": func() error {
			_, err := cs.CoreV1().Services(ns).Patch(ctx, "backend-service", types.MergePatchType, patch, metav1.PatchOptions{})
			return err
		},
		"delete deployment": func() error { return cs.AppsV1().Deployments(ns).Delete(ctx, "backend", metav1.DeleteOptions{}) },
		"delete all pods": func() error {
			return cs.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		},
		"scale deployment": func() error {
			_, err := cs.AppsV1().Deployments(ns).GetScale(ctx, "backend", metav1.GetOptions{})
			return err
		},
		"read pod logs":       func() error { return cs.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{}).Do(ctx).Error() },
		"exec in pod":         func() error { return post(ctx, cs, ns, "pods", pod, "exec") },
		"port-forward to pod": func() error { return post(ctx, cs, ns, "pods", pod, "portforward") },
		"proxy to service": func() error {
			_, err := cs.CoreV1().Services(ns).ProxyGet("http", "backend-service", "80", "/", nil).DoRaw(ctx)
			return err
		},
		"proxy to pod": func() error {
			_, err := cs.CoreV1().Pods(ns).ProxyGet("http", pod, "80", "/", nil).DoRaw(ctx)
			return err
		},
		"list pods cluster-wide": func() error { _, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{}); return err },
		"list secrets":           func() error { _, err := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{}); return err },
	}
	for what, try := range tries {
		if err := try(); !apierrors.IsForbidden(err) {
			t.Errorf("player A could %s in player B's namespace: %v", what, err)
		}
	}
	if _, err := b.cs.AppsV1().Deployments(ns).Get(ctx, "backend", metav1.GetOptions{}); err != nil {
		t.Fatalf("player B's Deployment is gone: %v", err)
	}
	// What the API server says player A may do in B's namespace: only the
	// cluster-wide view.
	rr, err := cs.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, &authzv1.SelfSubjectRulesReview{Spec: authzv1.SelfSubjectRulesReviewSpec{Namespace: ns}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rr.Status.ResourceRules {
		if !allowedOutside(rbacv1.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources}) {
			t.Errorf("in player B's namespace player A holds %v", r)
		}
	}
}

func post(ctx context.Context, cs kubernetes.Interface, ns, resource, name, sub string) error {
	return cs.CoreV1().RESTClient().Post().Namespace(ns).Resource(resource).Name(name).SubResource(sub).Do(ctx).Error()
}

// clusterScopedView are the cluster-scoped resources every player may read:
// the game's view, and the public CA bundles Kubernetes lets every
// authenticated identity read.
var clusterScopedView = []string{"nodes", "namespaces", "ingressclasses", "storageclasses", "clustertrustbundles"}

// selfReviews are what any identity may ask about itself.
var selfReviews = []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"}

// allowedOutside reports whether rule grants no more, outside the player's
// namespaces, than the read-only view: reading cluster-scoped objects,
// discovery URLs, and asking about oneself.
func allowedOutside(r rbacv1.PolicyRule) bool {
	subset := func(have, allowed []string) bool {
		for _, h := range have {
			if !slices.Contains(allowed, h) {
				return false
			}
		}
		return true
	}
	switch {
	case len(r.NonResourceURLs) > 0:
		return subset(r.Verbs, []string{"get"})
	case subset(r.Resources, selfReviews):
		return subset(r.Verbs, []string{"create"})
	default:
		return subset(r.Verbs, []string{"get", "list", "watch"}) && subset(r.Resources, clusterScopedView)
	}
}

// TestPlayerRulesStayInsideTheirNamespaces walks every ClusterRoleBinding and
// RoleBinding whose subjects take in the player of level 27 (which spans two
// namespaces) and checks that nothing outside the level's namespaces grants
// more than the read-only view.
func TestPlayerRulesStayInsideTheirNamespaces(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.s.WritePlayerKubeconfig(ctx, t.TempDir()+"/kc"); err != nil {
		t.Fatal(err)
	}
	sa := kube.PlayerAccount(r.ns)
	user := "system:serviceaccount:" + kube.PlayersNamespace + ":" + sa
	groups := []string{"system:authenticated", "system:serviceaccounts", "system:serviceaccounts:" + kube.PlayersNamespace}
	isPlayer := func(subs []rbacv1.Subject) bool {
		for _, s := range subs {
			switch {
			case s.Kind == rbacv1.ServiceAccountKind && s.Name == sa && s.Namespace == kube.PlayersNamespace,
				s.Kind == rbacv1.UserKind && s.Name == user,
				s.Kind == rbacv1.GroupKind && slices.Contains(groups, s.Name):
				return true
			}
		}
		return false
	}
	mine := map[string]bool{}
	for _, ns := range r.s.Spec().Namespaces {
		mine[ns] = true
	}
	if len(mine) != 2 {
		t.Fatalf("level 27 plays in %v, want two namespaces", mine)
	}
	rules := func(ref rbacv1.RoleRef, ns string) []rbacv1.PolicyRule {
		if ref.Kind == "Role" {
			role, err := r.cs.RbacV1().Roles(ns).Get(ctx, ref.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("Role %s/%s: %v", ns, ref.Name, err)
			}
			return role.Rules
		}
		role, err := r.cs.RbacV1().ClusterRoles().Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("ClusterRole %s: %v", ref.Name, err)
		}
		return role.Rules
	}
	crbs, err := r.cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	walked, inside := 0, map[string]bool{}
	for _, b := range crbs.Items {
		if !isPlayer(b.Subjects) {
			continue
		}
		walked++
		for _, rule := range rules(b.RoleRef, "") {
			if !allowedOutside(rule) {
				t.Errorf("ClusterRoleBinding %s (ClusterRole %s) grants the player %v cluster-wide", b.Name, b.RoleRef.Name, rule)
			}
		}
	}
	rbs, err := r.cs.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range rbs.Items {
		if !isPlayer(b.Subjects) {
			continue
		}
		walked++
		if mine[b.Namespace] {
			inside[b.Namespace] = true
			continue
		}
		for _, rule := range rules(b.RoleRef, b.Namespace) {
			if !allowedOutside(rule) {
				t.Errorf("RoleBinding %s/%s grants the player %v outside the level's namespaces", b.Namespace, b.Name, rule)
			}
		}
	}
	if len(inside) != 2 {
		t.Fatalf("the player is bound in %v, want both level namespaces %v: the walk missed the game's bindings", inside, mine)
	}
	t.Logf("walked %d bindings that take in the player", walked)
}
