package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const lintLevel30 = "../../content/world-3/30-headless-dns/"

// runLintCmd runs `k8squest lint ARGS...` with stdin and returns its outputs
// and exit code.
func runLintCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"lint"}, args...), strings.NewReader(stdin), &out, &errb)
	if err != nil {
		code = exitCode(err)
		if quiet := errors.As(err, new(exitError)); !quiet {
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

func TestLintCmdLevel30Broken(t *testing.T) {
	out, _, code := runLintCmd(t, "", lintLevel30+"broken.yaml")
	if code != 1 || !strings.Contains(out, "broken.yaml, document 1, Service web-cluster, spec.clusterIP\n    error KQ002 statefulset-service-not-headless") {
		t.Fatalf("exit %d, stdout:\n%s", code, out)
	}
}

// TestLintCmdLevel30Solution pipes broken.yaml's StatefulSet on stdin next to
// solution.yaml's Service.
func TestLintCmdLevel30Solution(t *testing.T) {
	b, err := os.ReadFile(lintLevel30 + "broken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sts := string(b)[strings.Index(string(b), "\n---\n")+5:]
	out, errOut, code := runLintCmd(t, sts, "-", lintLevel30+"solution.yaml")
	if code != 0 || out != "no problems found in 2 files (2 objects)\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestLintCmdRealisticDirectory(t *testing.T) {
	out, _, code := runLintCmd(t, "", "../../engine/lint/testdata/realistic")
	if code != 1 || !strings.HasSuffix(out, "\n5 errors, 10 warnings, 0 notes in 12 files (33 objects)\n") {
		t.Fatalf("exit %d, stdout:\n%s", code, out)
	}
}

func TestLintCmdJSON(t *testing.T) {
	out, _, code := runLintCmd(t, "", "--format", "json", lintLevel30+"broken.yaml")
	var rep struct {
		Errors   int  `json:"errors"`
		Passed   bool `json:"passed"`
		Findings []struct {
			Rule, File, Field string
			Document          int
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if code != 1 || rep.Passed || rep.Errors != 1 || rep.Findings[0].Rule != "KQ002" || rep.Findings[0].Document != 1 || rep.Findings[0].Field != "spec.clusterIP" {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
}

func TestLintCmdInputProblems(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	crd := filepath.Join(dir, "crd.yaml")
	_ = os.WriteFile(bad, []byte("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   oops: 1\n"), 0o644)
	_ = os.WriteFile(crd, []byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"), 0o644)
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		says  string
	}{
		{"malformed", "", []string{bad}, 1, bad + " document 1 is not valid YAML"},
		{"unknown kind is a warning", "", []string{crd}, 0, crd + " document 1: kind Widget (apiVersion example.com/v1) is not a kind this linter knows"},
		{"empty stdin", "", []string{"-"}, 1, "no Kubernetes objects to lint: <stdin> is empty"},
		{"missing file", "", []string{filepath.Join(dir, "nope.yaml")}, 2, "nope.yaml"},
		{"bad format", "", []string{"--format", "xml", crd}, 1, `--format "xml"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runLintCmd(t, tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.says) {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q; want it to say %q", code, tc.code, out, errOut, tc.says)
			}
		})
	}
}
