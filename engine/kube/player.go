package kube

import (
	"context"
	"fmt"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// The player's identity: one ServiceAccount per player, kept in its own
// namespace so that resetting a level (which deletes the level's namespaces)
// never invalidates the player's token.
const (
	PlayersNamespace = "k8squest-players"
	viewClusterRole  = "k8squest-player-view"
	playerRole       = "k8squest-player"
	// TokenSeconds is how long a player token lasts.
	TokenSeconds = 24 * 60 * 60
)

// PlayerAccount names the ServiceAccount of the player whose levels run in
// namespace ns.
func PlayerAccount(ns string) string { return "player-" + ns }

// playerVerbs are the verbs the player holds on what a level lets them
// change, spelled out so that a namespace administrator who holds them
// can grant them.
var playerVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

// readVerbs are the verbs of read-only access.
var readVerbs = []string{"get", "list", "watch"}

// playerNamespaceRules are what a learner may do inside a level namespace:
// everything a World 3 fix needs, and nothing cluster-wide. Endpoints and
// EndpointSlices are read-only: writing them would route a Service to any
// address (CVE-2021-25740), and the control plane keeps them.
var playerNamespaceRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"pods", "services", "configmaps", "serviceaccounts", "persistentvolumeclaims", "replicationcontrollers"}, Verbs: playerVerbs},
	{APIGroups: []string{""}, Resources: []string{"pods/log"}, Verbs: []string{"get", "list", "watch"}},
	{APIGroups: []string{""}, Resources: []string{"pods/exec", "pods/portforward", "pods/attach", "pods/eviction"}, Verbs: []string{"get", "create"}},
	{APIGroups: []string{""}, Resources: []string{"services/proxy"}, Verbs: []string{"get", "create", "update", "patch", "delete"}},
	{APIGroups: []string{""}, Resources: []string{"endpoints", "events", "resourcequotas", "limitranges"}, Verbs: readVerbs},
	{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets", "statefulsets", "daemonsets", "controllerrevisions", "deployments/scale", "replicasets/scale", "statefulsets/scale"}, Verbs: playerVerbs},
	{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: playerVerbs},
	{APIGroups: []string{"autoscaling"}, Resources: []string{"horizontalpodautoscalers"}, Verbs: playerVerbs},
	{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: playerVerbs},
	{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses", "networkpolicies"}, Verbs: playerVerbs},
	{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: readVerbs},
	{APIGroups: []string{"events.k8s.io"}, Resources: []string{"events"}, Verbs: readVerbs},
}

// playerViewRules are what a learner may read cluster-wide.
var playerViewRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"nodes", "namespaces"}, Verbs: []string{"get", "list", "watch"}},
	{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingressclasses"}, Verbs: []string{"get", "list", "watch"}},
	{APIGroups: []string{"storage.k8s.io"}, Resources: []string{"storageclasses"}, Verbs: []string{"get", "list", "watch"}},
	{APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}, Verbs: []string{"create"}},
}

// EnsurePlayer creates the player's ServiceAccount and its read-only view of
// the cluster, plus extra cluster-wide rules a level asks for (nil for none).
func EnsurePlayer(ctx context.Context, cs kubernetes.Interface, mainNS string, level int, extra []rbacv1.PolicyRule) error {
	sa := PlayerAccount(mainNS)
	if err := EnsureNamespace(ctx, cs, PlayersNamespace, 0); err != nil {
		return err
	}
	acct := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: PlayersNamespace, Labels: managed(0)}}
	if _, err := cs.CoreV1().ServiceAccounts(PlayersNamespace).Create(ctx, acct, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create player ServiceAccount %s: %w", sa, err)
	}
	if err := applyClusterRole(ctx, cs, viewClusterRole, playerViewRules); err != nil {
		return err
	}
	if err := applyClusterBinding(ctx, cs, viewClusterRole+"-"+sa, viewClusterRole, sa); err != nil {
		return err
	}
	if len(extra) == 0 {
		return nil
	}
	role := fmt.Sprintf("k8squest-level-%d", level)
	if err := applyClusterRole(ctx, cs, role, extra); err != nil {
		return err
	}
	return applyClusterBinding(ctx, cs, role+"-"+sa, role, sa)
}

// GrantNamespace lets the player of mainNS work in namespace ns.
func GrantNamespace(ctx context.Context, cs kubernetes.Interface, mainNS, ns string, level int) error {
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: playerRole, Namespace: ns, Labels: managed(level)},
		Rules:      playerNamespaceRules,
	}
	if err := upsert(ctx, cs.RbacV1().Roles(ns), role); err != nil {
		return fmt.Errorf("grant the player access to %s: %w", ns, err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: playerRole, Namespace: ns, Labels: managed(level)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: playerRole},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: PlayerAccount(mainNS), Namespace: PlayersNamespace}},
	}
	if err := upsert(ctx, cs.RbacV1().RoleBindings(ns), rb); err != nil {
		return fmt.Errorf("grant the player access to %s: %w", ns, err)
	}
	return nil
}

// PlayerToken mints a token for the player of mainNS with the TokenRequest API.
func PlayerToken(ctx context.Context, cs kubernetes.Interface, mainNS string) (string, error) {
	secs := int64(TokenSeconds)
	tr := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &secs}}
	out, err := cs.CoreV1().ServiceAccounts(PlayersNamespace).CreateToken(ctx, PlayerAccount(mainNS), tr, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("mint the player's token: %w", err)
	}
	return out.Status.Token, nil
}

func applyClusterRole(ctx context.Context, cs kubernetes.Interface, name string, rules []rbacv1.PolicyRule) error {
	cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: managed(0)}, Rules: rules}
	err := upsert(ctx, cs.RbacV1().ClusterRoles(), cr)
	if err != nil {
		return fmt.Errorf("create ClusterRole %s: %w", name, err)
	}
	return nil
}

func applyClusterBinding(ctx context.Context, cs kubernetes.Interface, name, role, sa string) error {
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: managed(0)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: PlayersNamespace}},
	}
	err := upsert(ctx, cs.RbacV1().ClusterRoleBindings(), crb)
	if err != nil {
		return fmt.Errorf("create ClusterRoleBinding %s: %w", name, err)
	}
	return nil
}

// createUpdater is the part of a typed client-go client that upsert needs.
type createUpdater[T any] interface {
	Create(ctx context.Context, obj T, o metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, o metav1.UpdateOptions) (T, error)
}

// upsert creates obj, and updates it when it already exists.
func upsert[T any](ctx context.Context, c createUpdater[T], obj T) error {
	_, err := c.Create(ctx, obj, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		_, err = c.Update(ctx, obj, metav1.UpdateOptions{})
	}
	return err
}

func managed(level int) map[string]string {
	l := map[string]string{LabelManagedBy: FieldManager}
	if level > 0 {
		l[LabelLevel] = fmt.Sprint(level)
	}
	return l
}
