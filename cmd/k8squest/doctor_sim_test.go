package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
)

// doctorRun runs `k8squest doctor ARGS...` and returns stdout, stderr and
// the exit code.
func doctorRun(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := run(ctx, append([]string{"doctor"}, args...), strings.NewReader(stdin), &out, &errb)
	code := 0
	if err != nil {
		code = exitCode(err)
		if quiet := errors.As(err, new(exitError)); !quiet {
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

// applyLevel30File applies a level-30 manifest into ns, moving a fixed
// cluster IP that another namespace holds on the shared cluster.
func applyLevel30File(t *testing.T, c *cluster.Cluster, ns, file string) {
	t.Helper()
	data, err := os.ReadFile("../../content/world-3/30-headless-dns/" + file)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs := simtest.Clientset(t, c)
	dyn, err := dynamic.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := kube.ServiceCIDRs(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 0; ; attempt++ {
		objs, err := kube.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			o.SetNamespace(ns)
		}
		if _, err := kube.FitClusterIPs(objs, ranges); err != nil {
			t.Fatal(err)
		}
		if _, err := kube.AvoidTakenClusterIPs(ctx, cs, objs, ranges, 0); err != nil {
			t.Fatal(err)
		}
		err = kube.NewApplier(dyn, cs.Discovery()).Apply(ctx, objs)
		if err == nil {
			return
		}
		if attempt == 4 || !strings.Contains(err.Error(), "already allocated") {
			t.Fatalf("apply %s: %v", file, err)
		}
	}
}

// waitWebReady waits until StatefulSet web has 3 ready replicas.
func waitWebReady(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		s, err := cs.AppsV1().StatefulSets(ns).Get(context.Background(), "web", metav1.GetOptions{})
		if err == nil && s.Status.ReadyReplicas == 3 && s.Status.ObservedGeneration == s.Generation {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("StatefulSet web in %s never had 3 ready replicas", ns)
}

// fixLevel30 deletes the virtual-IP Service and applies the headless one.
func fixLevel30(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	cs := simtest.Clientset(t, c)
	if err := cs.CoreV1().Services(ns).Delete(context.Background(), "web-cluster", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	applyLevel30File(t, c, ns, "solution.yaml")
}

// doctorUntilPass runs doctor until it exits 0: DNS answers lag the API by
// up to their TTL.
func doctorUntilPass(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut string
	var code int
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		if out, errOut, code = doctorRun(t, "", args...); code == 0 {
			return out
		}
	}
	t.Fatalf("doctor never passed; last exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
	return ""
}

func TestDoctorLevel30OnSim(t *testing.T) {
	c := simtest.Cluster(t)
	ns := simtest.Namespace(t, c)
	cs := simtest.Clientset(t, c)
	applyLevel30File(t, c, ns, "broken.yaml")
	waitWebReady(t, cs, ns)
	sim := []string{"statefulset", "web", "-n", ns, "--provider", "sim"}

	out, errOut, code := doctorRun(t, "", sim...)
	if code != 1 || !strings.Contains(out, "✗ headless: Service web-cluster is headless (clusterIP: None)") || !strings.Contains(out, "why: Service web-cluster has clusterIP ") || !strings.Contains(out, "Problems found.") {
		t.Fatalf("broken: exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
	}
	out, _, code = doctorRun(t, "", append(sim, "--format", "json")...)
	var rep doctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.Passed || rep.Checks[0].ID != "headless" || rep.Checks[0].Status != "fail" || !strings.Contains(rep.Checks[0].Diagnosis, "clusterIP: None") || rep.Service != "web-cluster" {
		t.Fatalf("broken JSON: exit %d, err %v, report %+v", code, err, rep)
	}
	_, _, code = doctorRun(t, "y\n", append(sim, "--drill")...)
	if pods, _ := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{}); code != 1 || len(pods.Items) != 3 {
		t.Fatalf("drill on a broken StatefulSet: exit %d, want 1 and no pod deleted", code)
	}

	fixLevel30(t, c, ns)
	out = doctorUntilPass(t, sim...)
	if strings.Count(out, "✓ ") != 5 || !strings.Contains(out, "All checks pass.") {
		t.Fatalf("fixed: stdout:\n%s", out)
	}

	out, errOut, code = doctorRun(t, "n\n", append(sim, "--drill")...)
	if code != 1 || !strings.Contains(errOut, "Delete pod web-2 in "+ns+"? [y/N]") || !strings.Contains(out, "not run: not confirmed") {
		t.Fatalf("declined drill: exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
	}
	before, err := cs.CoreV1().Pods(ns).Get(context.Background(), "web-2", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code = doctorRun(t, "", append(sim, "--drill", "--yes")...)
	if code != 0 || !strings.Contains(out, "✓ drill (reschedule web-2): web-2 was replaced and its DNS name followed the new pod") {
		t.Fatalf("drill: exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
	}
	after, err := cs.CoreV1().Pods(ns).Get(context.Background(), "web-2", metav1.GetOptions{})
	if err != nil || after.UID == before.UID {
		t.Fatalf("web-2 was not replaced: %v", err)
	}
}

// TestDoctorIsReadOnlyOnSim runs doctor, through the current provider, as a
// ServiceAccount that may only read: every check still observes the cluster.
func TestDoctorIsReadOnlyOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	ns := simtest.Namespace(t, c)
	cs := simtest.Clientset(t, c)
	applyLevel30File(t, c, ns, "broken.yaml")
	waitWebReady(t, cs, ns)
	kc := readOnlyKubeconfig(t, c, ns)
	cur := []string{"statefulset", "web", "-n", ns, "--provider", "current", "--kubeconfig", kc, "--dns-server", c.DNSAddr}

	out, errOut, code := doctorRun(t, "", cur...)
	if code != 1 || !strings.Contains(out, "✗ headless") || strings.Contains(out+errOut, "forbidden") || !strings.Contains(out, "(current cluster") {
		t.Fatalf("broken, read-only: exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
	}
	fixLevel30(t, c, ns)
	out = doctorUntilPass(t, cur...)
	if strings.Count(out, "✓ ") != 5 {
		t.Fatalf("fixed, read-only: stdout:\n%s", out)
	}
	out, _, code = doctorRun(t, "", append(cur, "--drill", "--yes")...)
	if code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("a drill needs to delete a pod, which this identity may not: exit %d, stdout:\n%s", code, out)
	}
}

// readOnlyKubeconfig makes a ServiceAccount that may get, list and watch
// what doctor reads in ns (and namespaces, which the watcher lists), and
// returns the path of its kubeconfig.
func readOnlyKubeconfig(t *testing.T, c *cluster.Cluster, ns string) string {
	t.Helper()
	read := simtest.Read
	inNS := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "services"}, Verbs: read},
		{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: read},
		{APIGroups: []string{"apps"}, Resources: []string{"statefulsets", "deployments"}, Verbs: read},
		{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses", "networkpolicies"}, Verbs: read},
	}
	namespaces := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: read}}
	return simtest.Identity(t, c, ns, "doctor", inNS, namespaces).Kubeconfig
}
