package currentcluster

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/simtest"
)

// connectAs connects the current provider through kubeconfig.
func connectAs(t *testing.T, kubeconfig string) *cluster.Cluster {
	t.Helper()
	isolate(t, "")
	c, err := New(Options{Kubeconfig: kubeconfig, StateDir: t.TempDir()}).Connect(context.Background())
	if err != nil {
		t.Fatalf("connect through %s: %v", kubeconfig, err)
	}
	return c
}

func TestPreflightOnSimAsAdmin(t *testing.T) {
	c := connectAs(t, simtest.Cluster(t).Kubeconfig)
	start := time.Now()
	acc, err := Preflight(context.Background(), c, "k8squest")
	took := time.Since(start)
	if err != nil {
		t.Fatalf("admin refused: %v", err)
	}
	if len(acc.Missing) != 0 || len(acc.Warnings) != 0 {
		t.Fatalf("admin: missing %q, warnings %q", acc.Missing, acc.Warnings)
	}
	t.Logf("preflight as admin: %d access reviews in %s", acc.Asked, took.Round(time.Millisecond))
}

// limitedRules let an identity make namespaces and the level's objects
// anywhere, and read pods in kube-system, but give it no RBAC, no
// ServiceAccounts and no port-forward.
var limitedRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"namespaces", "services", "pods", "configmaps"}, Verbs: []string{"create", "patch", "delete", "list", "watch"}},
	{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets"}, Verbs: []string{"create", "patch", "delete", "list", "watch"}},
	{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses", "networkpolicies", "servicecidrs"}, Verbs: []string{"create", "patch", "delete", "list", "watch"}},
	{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: simtest.Read},
}

func TestPreflightOnSimNamesWhatARestrictedIdentityLacks(t *testing.T) {
	sim := simtest.Cluster(t)
	home := simtest.Namespace(t, sim)
	id := simtest.Identity(t, sim, home, "limited", nil, limitedRules)
	c := connectAs(t, id.Kubeconfig)
	start := time.Now()
	acc, err := Preflight(context.Background(), c, "k8squest")
	took := time.Since(start)
	if !errors.Is(err, ErrMissingAccess) {
		t.Fatalf("err = %v, want ErrMissingAccess", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`(user "system:serviceaccount:` + home + `:limited")`,
		"create serviceaccounts in k8squest-players",
		"create serviceaccounts/token in k8squest-players",
		"create, update clusterroles.rbac.authorization.k8s.io",
		"create, update clusterrolebindings.rbac.authorization.k8s.io",
		"create, update roles.rbac.authorization.k8s.io in k8squest",
		"grant the player's Role k8squest-player in k8squest",
		"grant the player's ClusterRole k8squest-player-view",
		"--provider kind or --provider sim",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	for _, granted := range []string{"namespaces;", "namespaces.", "deployments", "endpointslices", "service IP range", "portforward"} {
		if strings.Contains(msg, granted) {
			t.Errorf("message names %q, which the identity may do or which is optional:\n%s", granted, msg)
		}
	}
	warned := strings.Join(acc.Warnings, "\n")
	for _, want := range []string{"create pods/portforward in kube-system", "no ResourceQuota or LimitRange", "no admission policies on Services", "node ports are not shared out"} {
		if !strings.Contains(warned, want) {
			t.Errorf("warnings lack %q: %q", want, acc.Warnings)
		}
	}
	if len(acc.Unprotected) != 3 || !strings.HasPrefix(acc.Unprotected[0], "ResourceQuota and LimitRange (may not") ||
		!strings.HasPrefix(acc.Unprotected[1], "admission policies on Services (may not") ||
		!strings.HasPrefix(acc.Unprotected[2], "node ports of their own for each player (may not") {
		t.Errorf("unprotected %q, want the quota, the policies and the node-port claims", acc.Unprotected)
	}
	if len(acc.Warnings) != 4 || strings.Contains(warned, "Pod Security") {
		t.Errorf("warnings %q, want the port-forward, the quota, the policies and the node-port claims (patch namespaces is held)", acc.Warnings)
	}
	t.Logf("preflight as a restricted identity: %d access reviews in %s", acc.Asked, took.Round(time.Millisecond))
}
