package levels_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/simtest"
)

// kubectlAs runs kubectl with the given kubeconfig and returns its output
// and whether it succeeded.
func kubectlAs(t *testing.T, kubeconfig string, args ...string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is not installed; this test needs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig", kubeconfig}, args...)...).CombinedOutput()
	return string(out), err == nil
}

// TestPlayerIsConfinedByRBAC checks, with kubectl and the player's
// kubeconfig, that the API server forbids what a learner must not do and
// allows what level 30's fix needs, and that a reset keeps the access.
func TestPlayerIsConfinedByRBAC(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	other := setUp(t, 21)
	kc := filepath.Join(t.TempDir(), "player.kubeconfig")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.s.WritePlayerKubeconfig(ctx, kc); err != nil {
		t.Fatal(err)
	}
	forbidden := [][]string{
		{"delete", "namespace", "kube-system", "--dry-run=server"},
		{"get", "secrets", "-A"},
		{"delete", "node", "--all", "--dry-run=server"},
		{"create", "clusterrolebinding", "k8squest-escape", "--clusterrole=cluster-admin", "--serviceaccount=" + kube.PlayersNamespace + ":" + kube.PlayerAccount(r.ns), "--dry-run=server"},
		{"-n", other.ns, "get", "pods"},
		{"-n", other.ns, "delete", "deployment", "backend", "--dry-run=server"},
	}
	for _, args := range forbidden {
		out, ok := kubectlAs(t, kc, args...)
		if ok || !strings.Contains(out, "Forbidden") && !strings.Contains(out, "forbidden") {
			t.Errorf("kubectl %s: want Forbidden, got ok=%v:\n%s", strings.Join(args, " "), ok, out)
		}
	}
	allowed := [][]string{
		{"get", "nodes"},
		{"get", "namespaces"},
		{"get", "pods,svc,statefulsets,endpointslices"},
		{"delete", "svc", "web-cluster"},
		{"apply", "-f", "../content/world-3/30-headless-dns/solution.yaml"},
	}
	for _, args := range allowed {
		if out, ok := kubectlAs(t, kc, args...); !ok {
			t.Errorf("kubectl %s: want allowed, got:\n%s", strings.Join(args, " "), out)
		}
	}
	r.until(30*time.Second, "passing after the player's fix", passed)

	if err := r.s.Reset(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if out, ok := kubectlAs(t, kc, "get", "svc", "web-cluster"); !ok || !strings.Contains(out, "web-cluster") {
		t.Errorf("after a reset the player lost access:\n%s", out)
	}
}

// TestChecksOnlyRead runs every level-30 check as an identity that can only
// get, list and watch: checks must never need to write.
func TestChecksOnlyRead(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reader := readOnlyCluster(t, r)
	spec, err := r.level.Spec(r.ns)
	if err != nil {
		t.Fatal(err)
	}
	s, err := play.New(reader, spec, dns.Direct(r.c.DNSAddr))
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.CheckOnce(ctx)
	if err != nil || v.Err != nil {
		t.Fatalf("checks as a read-only identity: %v %v", err, v.Err)
	}
	if x := result(v, "shared-ip"); x.Status != check.Fail || !strings.Contains(x.Diagnosis, "a virtual IP") {
		t.Fatalf("read-only checks saw %s %q", x.Status, x.Message)
	}
	if err := s.Teardown(ctx, nil); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Fatalf("the read-only identity could delete the level's namespace (err %v); the test proves nothing", err)
	}
}

// readOnlyCluster returns a copy of the rig's cluster whose identity may
// only get, list and watch, cluster-wide.
func readOnlyCluster(t *testing.T, r *rig) *cluster.Cluster {
	t.Helper()
	all := []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: simtest.Read}}
	return simtest.Identity(t, r.c, kube.PlayersNamespace, "reader-"+r.ns, nil, all)
}
