package progress

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestReplayNeverPaysTwice(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), FileName))
	a, st, _, err := s.Complete(Completion{Level: 30, XP: 210, Seconds: 300})
	if err != nil || a.Gained != 210 || !a.FirstTime || st.TotalXP() != 210 {
		t.Fatalf("first completion: award %+v total %d err %v", a, st.TotalXP(), err)
	}
	a, st, _, _ = s.Complete(Completion{Level: 30, XP: 150, Seconds: 100})
	if a.Gained != 0 || a.FirstTime || st.TotalXP() != 210 {
		t.Fatalf("worse replay: award %+v total %d, want nothing gained and 210 kept", a, st.TotalXP())
	}
	if st.Levels[30].BestSeconds != 100 || st.Levels[30].Completions != 2 {
		t.Fatalf("replay record: %+v", st.Levels[30])
	}
	a, st, _, _ = s.Complete(Completion{Level: 30, XP: 300})
	if a.Gained != 90 || st.TotalXP() != 300 {
		t.Fatalf("better replay: award %+v total %d, want +90 to 300", a, st.TotalXP())
	}
}

func TestPersistsAcrossOpen(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if _, _, err := Open(p).Start(21); err != nil {
		t.Fatal(err)
	}
	st, notice, err := Open(p).Load()
	if err != nil || notice != "" || st.Levels[21].Attempts != 1 || st.Schema != SchemaVersion {
		t.Fatalf("reload: %+v notice %q err %v", st, notice, err)
	}
}

func TestUnreadableFileIsSetAside(t *testing.T) {
	for name, body := range map[string]string{
		"corrupt":  "{not json",
		"future":   `{"schema": 99, "levels": {}}`,
		"noschema": `{"levels": {}}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, FileName)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			st, notice, err := Open(p).Load()
			if err != nil || len(st.Levels) != 0 {
				t.Fatalf("load: %+v err %v", st, err)
			}
			if !strings.Contains(notice, p) || !strings.Contains(notice, "kept as") {
				t.Fatalf("notice %q does not say where the old file went", notice)
			}
			matches, _ := filepath.Glob(p + ".unreadable-*")
			if len(matches) != 1 {
				t.Fatalf("backups: %v", matches)
			}
			kept, _ := os.ReadFile(matches[0])
			if string(kept) != body {
				t.Fatalf("backup holds %q, want the original %q", kept, body)
			}
		})
	}
}

func TestConcurrentUpdatesDoNotInterleave(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := Open(p).Start(25); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	st, _, _ := Open(p).Load()
	if got := st.Levels[25].Attempts; got != 20 {
		t.Fatalf("attempts = %d after 20 locked updates, want 20", got)
	}
}
