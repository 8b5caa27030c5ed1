package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels/game"
)

// unprotectedRules let an identity set levels up (namespaces, the level's
// objects, the player's ServiceAccount and RBAC) but not create a
// ResourceQuota, a LimitRange or an admission policy.
var unprotectedRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Verbs: []string{"*"}, Resources: []string{
		"namespaces", "services", "pods", "pods/log", "pods/exec", "pods/portforward", "configmaps", "secrets",
		"serviceaccounts", "serviceaccounts/token", "endpoints", "events", "persistentvolumeclaims"}},
	{APIGroups: []string{""}, Verbs: simtest.Read, Resources: []string{"nodes"}},
	{APIGroups: []string{"apps", "networking.k8s.io", "discovery.k8s.io", "rbac.authorization.k8s.io", "batch", "policy", "events.k8s.io"},
		Resources: []string{"*"}, Verbs: []string{"*"}},
}

// TestSharedStartNeedsProtectionsOnSim: on current, an identity that may
// set level 21 up but not protect it is refused a start with -n in a
// namespace of its own, before anything is created, with each missing
// protection and the flag named; with --allow-unprotected the level is set
// up, without a quota, under a loud warning.
func TestSharedStartNeedsProtectionsOnSim(t *testing.T) {
	sim := simtest.Cluster(t)
	home := simtest.Namespace(t, sim)
	id := simtest.Identity(t, sim, home, "unprotected", nil, unprotectedRules)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	ns := "t-share-" + hex.EncodeToString(b)
	cs := simtest.Clientset(t, sim)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), simtest.NamespaceDeleteTimeout)
		defer cancel()
		if err := kube.DeleteNamespace(ctx, cs, ns); err != nil {
			t.Error(err)
		}
	})
	t.Setenv("K8SQUEST_PROGRESS", filepath.Join(t.TempDir(), "progress.json"))
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := func(extra ...string) (string, error) {
		var out, errb bytes.Buffer
		args := append([]string{"start", "21", "--provider", "current", "--kubeconfig", id.Kubeconfig, "--dns-server", sim.DNSAddr, "-n", ns}, extra...)
		err := run(ctx, args, strings.NewReader(""), &out, &errb)
		return errb.String(), err
	}

	stderr, err := start()
	if !errors.Is(err, game.ErrUnprotected) {
		t.Fatalf("start -n %s: %v (stderr %q), want the refusal of an unprotected shared game", ns, err, stderr)
	}
	for _, want := range []string{"ResourceQuota and LimitRange (may not create", "admission policies on Services (may not", "--allow-unprotected", "namespace " + ns} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "Pod Security") {
		t.Errorf("refusal names Pod Security, which the identity may set:\n%v", err)
	}
	if _, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("namespace %s after the refusal: %v, want NotFound (nothing created)", ns, err)
	}

	stderr, err = start("--allow-unprotected")
	if err != nil {
		t.Fatalf("start --allow-unprotected: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "WARNING: UNPROTECTED SHARED GAME") || !strings.Contains(stderr, "ResourceQuota and LimitRange") {
		t.Fatalf("no loud warning on stderr:\n%s", stderr)
	}
	q, err := cs.CoreV1().ResourceQuotas(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(q.Items) != 0 {
		t.Fatalf("quotas in %s: %v, %v; want none (the identity may not make them)", ns, q, err)
	}
}
