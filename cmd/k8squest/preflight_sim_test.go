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

	"github.com/k8squest/k8squest/engine/currentcluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels/game"
)

// TestStartWithoutRightsCreatesNothing: on the current provider, an
// identity that may create namespaces but not the player's RBAC is stopped
// by the preflight with one message, before the level's namespace exists.
func TestStartWithoutRightsCreatesNothing(t *testing.T) {
	sim := simtest.Cluster(t)
	home := simtest.Namespace(t, sim)
	rules := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"create", "delete", "list", "watch"}}}
	id := simtest.Identity(t, sim, home, "nsmaker", nil, rules)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	ns := "t-preflight-" + hex.EncodeToString(b)
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

	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, []string{"start", "21", "--provider", "current", "--kubeconfig", id.Kubeconfig, "-n", ns},
		strings.NewReader(""), &out, &errb)
	if !errors.Is(err, currentcluster.ErrMissingAccess) {
		t.Fatalf("start: %v (stderr %q), want the preflight's refusal", err, errb.String())
	}
	if !strings.Contains(err.Error(), "create, update clusterroles.rbac.authorization.k8s.io") ||
		!strings.Contains(err.Error(), "create, patch, delete, list, watch services in "+ns) {
		t.Fatalf("message does not name what is missing:\n%v", err)
	}
	if _, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("namespace %s after the refusal: %v, want NotFound (nothing created)", ns, err)
	}
	if !strings.Contains(errb.String(), game.PreflightStep) {
		t.Fatalf("stderr does not show the preflight step: %q", errb.String())
	}
}
