package levels_test

import (
	"strings"
	"testing"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/levels"
)

// TestContentLoads walks the embedded content: every level parses, every
// manifest decodes, every check and drill it names exists with valid params.
func TestContentLoads(t *testing.T) {
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatalf("load content: %v", err)
	}
	if len(ls) == 0 {
		t.Fatal("no levels found in content")
	}
	for _, l := range ls {
		if len(l.Hints) != 3 {
			t.Errorf("level %d: %d hint tiers, want 3", l.ID, len(l.Hints))
		}
		spec, err := l.Spec("player-7")
		if err != nil {
			t.Errorf("level %d: bind to namespace player-7: %v", l.ID, err)
			continue
		}
		for _, o := range spec.Objects {
			if !strings.HasPrefix(o.GetNamespace(), "player-7") {
				t.Errorf("level %d: %s/%s lands in namespace %q, not the player's", l.ID, o.GetKind(), o.GetName(), o.GetNamespace())
			}
		}
	}
}

func TestLevel30Debrief(t *testing.T) {
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == 30 && strings.HasPrefix(l.Debrief, "# 🎯 Level 30 Debrief: Headless Services & StatefulSet DNS") {
			return
		}
	}
	t.Fatal("level 30 does not ship the seed debrief")
}
