package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/simtest"
)

// TestCheckWatchJSON runs `check 30 --watch --json` on sim: it prints one
// JSON verdict per line as they change, from failing to passing after a fix,
// and stops when its context ends.
func TestCheckWatchJSON(t *testing.T) {
	c := simtest.Cluster(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	ns := "watch-" + hex.EncodeToString(b)
	t.Setenv("K8SQUEST_PROGRESS", filepath.Join(t.TempDir(), "progress.json"))
	ctx := context.Background()
	var out strings.Builder
	if err := run(ctx, []string{"start", "30", "-n", ns, "--provider", "sim"}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("start: %v\n%s", err, out.String())
	}
	t.Cleanup(func() {
		_ = run(context.Background(), []string{"teardown", "30", "-n", ns, "--provider", "sim"}, strings.NewReader(""), io.Discard, io.Discard)
	})

	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(wctx, []string{"check", "30", "-n", ns, "--provider", "sim", "--watch", "--json"}, strings.NewReader(""), pw, io.Discard)
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	next := func() checkJSON {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("the watch ended early: %v", lines.Err())
		}
		var v checkJSON
		if err := json.Unmarshal(lines.Bytes(), &v); err != nil {
			t.Fatalf("a line is not a JSON verdict: %v\n%s", err, lines.Text())
		}
		return v
	}
	if v := next(); v.Passed || v.Level != 30 || len(v.Checks) != 5 {
		t.Fatalf("first verdict: %+v", v)
	}
	cs := simtest.Clientset(t, c)
	if err := cs.CoreV1().Services(ns).Delete(ctx, "web-cluster", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	kc := "--kubeconfig=" + c.Kubeconfig
	runCmd(t, nil, needTool(t, "kubectl"), kc, "-n", ns, "apply", "-f", "../../content/world-3/30-headless-dns/solution.yaml")
	v := next()
	for !v.Passed {
		v = next()
	}
	cancel()
	for lines.Scan() { // drain until the command returns
	}
	if err := <-done; err != nil {
		t.Fatalf("the watch returned %v after its last verdict passed, want nil", err)
	}
}
