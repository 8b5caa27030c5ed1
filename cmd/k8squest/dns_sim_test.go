package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

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
	out, errOut, err := runDNSCmd(t, "kubernetes.default")
	if err != nil {
		t.Fatalf("dns: %v (stderr %q)", err, errOut)
	}
	if out != "10.96.0.1\n" || !strings.Contains(errOut, ";; kubernetes.default.svc.cluster.local answered") {
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
