package simtest

import (
	"context"
	"path/filepath"
	"testing"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Identity creates ServiceAccount name in namespace ns, bound to nsRules in
// ns and to clusterRules cluster-wide (either may be empty), mints a token
// for it, and returns a copy of c that authenticates as it, with its own
// kubeconfig under t.TempDir(). Everything it made is deleted at cleanup.
func Identity(t testing.TB, c *cluster.Cluster, ns, name string, nsRules, clusterRules []rbacv1.PolicyRule) *cluster.Cluster {
	t.Helper()
	ctx := context.Background()
	cs := Clientset(t, c)
	subj := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: ns}}
	global := ns + "-" + name
	t.Cleanup(func() {
		ctx := context.Background()
		_ = cs.RbacV1().ClusterRoleBindings().Delete(ctx, global, metav1.DeleteOptions{})
		_ = cs.RbacV1().ClusterRoles().Delete(ctx, global, metav1.DeleteOptions{})
		_ = cs.RbacV1().RoleBindings(ns).Delete(ctx, name, metav1.DeleteOptions{})
		_ = cs.RbacV1().Roles(ns).Delete(ctx, name, metav1.DeleteOptions{})
		_ = cs.CoreV1().ServiceAccounts(ns).Delete(ctx, name, metav1.DeleteOptions{})
	})
	must := func(what string, err error) {
		if err != nil {
			t.Fatalf("simtest: identity %s/%s: %s: %v", ns, name, what, err)
		}
	}
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	must("create ServiceAccount", err)
	if len(nsRules) > 0 {
		_, err = cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: nsRules}, metav1.CreateOptions{})
		must("create Role", err)
		_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subj,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}}, metav1.CreateOptions{})
		must("create RoleBinding", err)
	}
	if len(clusterRules) > 0 {
		_, err = cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: global}, Rules: clusterRules}, metav1.CreateOptions{})
		must("create ClusterRole", err)
		_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: global}, Subjects: subj,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: global}}, metav1.CreateOptions{})
		must("create ClusterRoleBinding", err)
	}
	tok, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authv1.TokenRequest{}, metav1.CreateOptions{})
	must("mint a token", err)
	id := *c
	id.REST = rest.AnonymousClientConfig(c.REST)
	id.REST.BearerToken = tok.Status.Token
	id.Kubeconfig = filepath.Join(t.TempDir(), name+".kubeconfig")
	id.Context = ""
	must("write kubeconfig", cluster.WriteTokenKubeconfig(c, name, tok.Status.Token, ns, id.Kubeconfig))
	return &id
}

// Read lists the verbs of read-only access.
var Read = []string{"get", "list", "watch"}
