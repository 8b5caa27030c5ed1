package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/simtest"
)

// runDNSCmd runs `k8squest dns ARGS... --provider sim` on the shared sim cluster.
func runDNSCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	simtest.Cluster(t)
	var out, errb bytes.Buffer
	args = append([]string{"dns", "--provider", "sim"}, args...)
	err = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestDNSCommandOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	svc, err := simtest.Clientset(t, c).CoreV1().Services("default").Get(context.Background(), "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runDNSCmd(t, "kubernetes.default")
	if err != nil {
		t.Fatalf("dns: %v (stderr %q)", err, errOut)
	}
	if out != svc.Spec.ClusterIP+"\n" || !strings.Contains(errOut, ";; kubernetes.default.svc.cluster.local answered") {
		t.Fatalf("stdout %q stderr %q", out, errOut)
	}
}

func TestDNSCommandSRVOnSim(t *testing.T) {
	out, _, err := runDNSCmd(t, "kubernetes", "--type", "SRV")
	if err != nil {
		t.Fatal(err)
	}
	if out != "0 100 443 kubernetes.default.svc.cluster.local.\n" {
		t.Fatalf("stdout %q", out)
	}
}

func TestDNSCommandNowhereOnSim(t *testing.T) {
	_, _, err := runDNSCmd(t, "no-such-svc", "-n", "kube-system")
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("err = %v, want exit code 1", err)
	}
	for _, n := range []string{"no-such-svc.kube-system.svc.cluster.local", "no-such-svc.svc.cluster.local", "no-such-svc.cluster.local"} {
		if !strings.Contains(err.Error(), n) {
			t.Fatalf("error %q does not name %s", err, n)
		}
	}
}
