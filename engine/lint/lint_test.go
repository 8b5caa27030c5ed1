package lint

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/realistic.golden")

// lintFiles lints named in-memory files, in the order given.
func lintFiles(t *testing.T, files ...string) Report {
	t.Helper()
	if len(files)%2 != 0 {
		t.Fatal("lintFiles takes name, content pairs")
	}
	var srcs []Source
	for i := 0; i < len(files); i += 2 {
		srcs = append(srcs, Source{Name: files[i], Data: []byte(files[i+1])})
	}
	return Lint(context.Background(), srcs, Options{})
}

// brief is a finding reduced to what tests compare.
type brief struct {
	rule, severity, file string
	doc                  int
	field                string
}

func briefs(r Report) []brief {
	out := []brief{}
	for _, f := range r.Findings {
		out = append(out, brief{f.Rule, f.Severity.String(), f.File, f.Document, f.Field})
	}
	return out
}

func TestRealisticGolden(t *testing.T) {
	srcs, err := Load([]string{"testdata/realistic"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) < 10 {
		t.Fatalf("only %d realistic manifests", len(srcs))
	}
	var b bytes.Buffer
	if err := WriteText(&b, Lint(context.Background(), srcs, Options{})); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "realistic.golden")
	if *updateGolden {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("lint testdata/realistic differs from %s (run with -update after checking every finding by hand):\n%s", golden, b.String())
	}
}

const level30Dir = "../../content/world-3/30-headless-dns/"

func readLevel30(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(level30Dir + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLevel30Broken(t *testing.T) {
	r := lintFiles(t, "broken.yaml", readLevel30(t, "broken.yaml"))
	if !r.Failed() || r.Objects != 2 {
		t.Fatalf("broken.yaml: failed=%v objects=%d, want a failure on 2 objects", r.Failed(), r.Objects)
	}
	var got *Finding
	for i, f := range r.Findings {
		if f.Rule == RuleNotHeadless {
			got = &r.Findings[i]
		}
	}
	if got == nil {
		t.Fatalf("no %s finding in %+v", RuleNotHeadless, briefs(r))
	}
	want := brief{RuleNotHeadless, "error", "broken.yaml", 1, "spec.clusterIP"}
	if b := briefs(Report{Findings: []Finding{*got}})[0]; b != want {
		t.Errorf("finding %+v, want %+v", b, want)
	}
	for _, s := range []string{"web-cluster", "10.96.100.50", "clusterIP: None", "StatefulSet web (broken.yaml document 2)"} {
		if !strings.Contains(got.Message, s) {
			t.Errorf("message %q does not say %q", got.Message, s)
		}
	}
}

// TestLevel30Solution lints broken.yaml's StatefulSet with solution.yaml's
// Service, which is what the cluster holds once the level is solved.
func TestLevel30Solution(t *testing.T) {
	broken := readLevel30(t, "broken.yaml")
	sts := broken[strings.Index(broken, "\n---\n")+5:]
	r := lintFiles(t, "statefulset.yaml", sts, "solution.yaml", readLevel30(t, "solution.yaml"))
	if len(r.Findings) != 0 || r.Objects != 2 {
		t.Fatalf("solution: %d objects, findings %+v; want 2 objects and none", r.Objects, r.Findings)
	}
}

func TestNamespacesSeparateObjects(t *testing.T) {
	in := `apiVersion: v1
kind: Service
metadata: {name: db, namespace: a}
spec: {clusterIP: None, selector: {app: db}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: b}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: db}]}}
`
	got := briefs(lintFiles(t, "ns.yaml", in))
	want := []brief{
		{RuleSelectsNothing, "warning", "ns.yaml", 1, "spec.selector"},
		{RuleServiceMissing, "error", "ns.yaml", 2, "spec.serviceName"},
	}
	if !equalBriefs(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestOptionsNamespaceIsTheDefault(t *testing.T) {
	in := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	r := Lint(context.Background(), []Source{{Name: "c.yaml", Data: []byte(in)}}, Options{Namespace: "shop"})
	r2 := lintFiles(t, "c.yaml", in+"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n")
	if len(r.Findings) != 0 || len(r2.Findings) != 1 || r2.Findings[0].Rule != RuleDuplicateObject {
		t.Errorf("with -n shop: %+v; default namespace duplicate: %+v", r.Findings, r2.Findings)
	}
}

func equalBriefs(a, b []brief) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
