package progress

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/k8squest/k8squest/engine/fieldnotes"
)

// TestSchema1FileIsMigrated: a file written before field notes existed is
// read with everything it held, and the next save writes the current schema
// with the notes of the new completion.
func TestSchema1FileIsMigrated(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	old := `{"schema": 1, "levels": {"30": {"completed": true, "bestXP": 270, "bestSeconds": 80, "attempts": 2, "completions": 1}}}`
	if err := os.WriteFile(p, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Open(p)
	st, notice, err := s.Load()
	if err != nil || notice != "" || st.Schema != SchemaVersion || st.Levels[30].BestXP != 270 || st.Levels[30].Attempts != 2 || st.Levels[30].Notes != nil {
		t.Fatalf("load: %+v %q %v", st, notice, err)
	}
	notes := &fieldnotes.Notes{Level: 30, Namespace: "k8squest", Drill: &fieldnotes.Drill{Pod: "web-2", OldIP: "10.244.0.5", NewIP: "10.244.0.9"}}
	if _, _, _, err := s.Complete(Completion{Level: 30, XP: 240, Seconds: 90, Notes: notes}); err != nil {
		t.Fatal(err)
	}
	st, _, err = Open(p).Load()
	if err != nil || st.Schema != SchemaVersion || st.Levels[30].BestXP != 270 || st.Levels[30].Completions != 2 {
		t.Fatalf("after save: %+v %v", st, err)
	}
	if n := st.Levels[30].Notes; n == nil || n.Drill == nil || n.Drill.NewIP != "10.244.0.9" {
		t.Fatalf("notes not kept: %+v", n)
	}
}
