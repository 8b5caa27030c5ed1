package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels"
)

// TestCheckJSONHoldsSpoilersBackUntilExplain sets every level up in its
// broken state on sim and runs `check N --json`: no spoiler of the level
// appears and no diagnosis is printed. With --explain, every failing check
// carries its diagnosis, and for the levels whose diagnosis names the fix
// (30 among them) a spoiler appears.
func TestCheckJSONHoldsSpoilersBackUntilExplain(t *testing.T) {
	simtest.Cluster(t)
	all, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("K8SQUEST_PROGRESS", filepath.Join(t.TempDir(), "progress.json"))
	explained := map[int]bool{}
	for _, l := range all {
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		ns := "explain-" + hex.EncodeToString(b)
		id := fmt.Sprint(l.ID)
		l = l.WithNamespace(ns)
		cli := func(args ...string) (string, error) {
			var out strings.Builder
			err := run(context.Background(), append(args, id, "-n", ns, "--provider", "sim"), strings.NewReader(""), &out, io.Discard)
			return out.String(), err
		}
		if out, err := cli("start"); err != nil {
			t.Fatalf("start %s: %v\n%s", id, err, out)
		}
		t.Cleanup(func() { _, _ = cli("teardown") })
		plain, _ := cli("check", "--json")
		if s := levels.SpoilerIn(plain, l.Spoilers); s != "" || strings.Contains(plain, `"diagnosis"`) {
			t.Errorf("level %s: check --json gives the fix away (spoiler %q):\n%s", id, s, plain)
		}
		var v checkJSON
		if err := json.Unmarshal([]byte(plain), &v); err != nil || v.Passed {
			t.Fatalf("level %s: want a failing JSON verdict, got %v\n%s", id, err, plain)
		}
		out, _ := cli("check", "--json", "--explain")
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("level %s: %v\n%s", id, err, out)
		}
		for _, c := range v.Checks {
			if c.Diagnosis == "" {
				t.Errorf("level %s: check %s has no diagnosis with --explain", id, c.ID)
			}
		}
		explained[l.ID] = levels.SpoilerIn(out, l.Spoilers) != ""
	}
	if !explained[30] || !explained[21] {
		t.Errorf("--explain showed no spoiler of level 30 or 21: %v", explained)
	}
}
