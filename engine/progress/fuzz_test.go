package progress

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes as the progress file: Load must return a
// usable state, setting an unreadable file aside, and never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"schema":1,"levels":{"30":{"completed":true,"bestXP":300}}}`))
	f.Add([]byte(`{"schema":2}`))
	f.Add([]byte(`{"schema":1,"levels":{"30":null}}`))
	f.Add([]byte(`{"schema":1,"levels":{"-4":{"bestXP":-1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, notice, err := Open(p).Load()
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if st.Schema != SchemaVersion || st.Levels == nil {
			t.Fatalf("unusable state %+v", st)
		}
		if notice == "" {
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("file accepted but gone: %v", err)
			}
		}
		_ = st.TotalXP()
	})
}
