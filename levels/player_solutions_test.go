package levels_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPlayerCanApplyEveryWorld3Solution applies each level's solution with
// kubectl as the player, the way a learner would, and waits for the level to
// pass: the player's RBAC allows everything a World 3 fix needs.
func TestPlayerCanApplyEveryWorld3Solution(t *testing.T) {
	for id := 21; id <= 30; id++ {
		t.Run(fmt.Sprint(id), func(t *testing.T) {
			t.Parallel()
			r := setUp(t, id)
			kc := filepath.Join(t.TempDir(), "player.kubeconfig")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := r.s.WritePlayerKubeconfig(ctx, kc); err != nil {
				t.Fatal(err)
			}
			if id == 30 {
				if out, ok := kubectlAs(t, kc, "delete", "svc", "web-cluster"); !ok {
					t.Fatalf("player: kubectl delete svc:\n%s", out)
				}
			}
			if out, ok := kubectlAs(t, kc, "apply", "-f", r.solutionFile(t)); !ok {
				t.Fatalf("player: kubectl apply of the solution:\n%s", out)
			}
			r.until(90*time.Second, "passing after the player's fix", passed)
		})
	}
}

// solutionFile writes the level's solution, bound to the rig's namespace,
// to a file kubectl can apply.
func (r *rig) solutionFile(t *testing.T) string {
	t.Helper()
	objs, err := r.level.SolutionObjects(r.ns)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, o := range objs {
		data, err := o.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(data))
	}
	path := filepath.Join(t.TempDir(), "solution.json")
	body := `{"apiVersion":"v1","kind":"List","items":[` + strings.Join(docs, ",") + `]}`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
