package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.yaml", "b")
	write("sub/a.yml", "a")
	write("sub/c.json", "c")
	write("README.md", "not a manifest")
	srcs, err := Load([]string{dir, "-"}, strings.NewReader("stdin"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, strings.TrimPrefix(s.Name, dir+"/")+"="+string(s.Data))
	}
	if got := strings.Join(names, " "); got != "b.yaml=b sub/a.yml=a sub/c.json=c <stdin>=stdin" {
		t.Errorf("loaded %s", got)
	}
	if _, err := Load([]string{filepath.Join(dir, "nope.yaml")}, nil); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("missing file: %v", err)
	}
	empty := t.TempDir()
	if _, err := Load([]string{empty}, nil); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("empty directory: %v", err)
	}
}

func TestJSONShape(t *testing.T) {
	r := lintFiles(t, "broken.yaml", readLevel30(t, "broken.yaml"))
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Files, Objects, Errors, Warnings int
		Passed                           bool
		Findings                         []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Files != 1 || got.Objects != 2 || got.Errors != 1 || got.Warnings != 1 || got.Passed || len(got.Findings) != 2 {
		t.Fatalf("JSON summary %+v", got)
	}
	f := got.Findings[0]
	want := map[string]any{"rule": "KQ002", "ruleName": "statefulset-service-not-headless", "severity": "error",
		"file": "broken.yaml", "document": 1.0, "kind": "Service", "name": "web-cluster", "namespace": "default", "field": "spec.clusterIP"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("finding[%q] = %v, want %v", k, f[k], v)
		}
	}
	if m, _ := f["message"].(string); !strings.Contains(m, "web-cluster") {
		t.Errorf("message %q", m)
	}
	b.Reset()
	_ = WriteJSON(&b, Report{Files: 1})
	if !strings.Contains(b.String(), `"findings": []`) || !strings.Contains(b.String(), `"passed": true`) {
		t.Errorf("clean report JSON: %s", b.String())
	}
}

func TestTextSummary(t *testing.T) {
	var b bytes.Buffer
	_ = WriteText(&b, Report{Files: 2, Objects: 1})
	if b.String() != "no problems found in 2 files (1 object)\n" {
		t.Errorf("clean text %q", b.String())
	}
	b.Reset()
	_ = WriteText(&b, lintFiles(t, "broken.yaml", readLevel30(t, "broken.yaml")))
	if !strings.HasPrefix(b.String(), "broken.yaml, document 1, Service web-cluster, spec.clusterIP\n    error KQ002 statefulset-service-not-headless: ") ||
		!strings.HasSuffix(b.String(), "\n1 error, 1 warning, 0 notes in 1 file (2 objects)\n") {
		t.Errorf("text:\n%s", b.String())
	}
}
