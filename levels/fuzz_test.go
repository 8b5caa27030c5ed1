package levels_test

import (
	"testing"

	"github.com/k8squest/k8squest/levels"
)

// FuzzLoadSpec feeds arbitrary level.yaml and manifests to the loader: it
// must return a level or an error naming a file, and never panic.
func FuzzLoadSpec(f *testing.F) {
	f.Add(goodSpec, goodManifest)
	f.Add("id: -1", "")
	f.Add(goodSpec+"drill: {title: d, type: statefulSetReschedule, params: {statefulSet: web}}\n", goodManifest)
	f.Add("checks: [{id: x, params: [1,2]}]", "kind: Service\n---\n- a")
	f.Fuzz(func(t *testing.T, spec, manifest string) {
		l, err := levels.Load(levelFS(spec, manifest), "w/l")
		if err != nil {
			if msg := err.Error(); len(msg) < len("w/l/") || msg[:4] != "w/l/" {
				t.Fatalf("error does not name the file: %q", msg)
			}
			return
		}
		if _, err := l.Spec(""); err != nil {
			t.Fatalf("a loaded level cannot be bound to its own namespace: %v", err)
		}
	})
}
