package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	prog "github.com/k8squest/k8squest/engine/progress"
)

func TestProgressJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	t.Setenv(prog.EnvPath, path)
	if _, _, _, err := prog.Open(path).Complete(prog.Completion{Level: 30, XP: 270, Seconds: 80, HintsUsed: 1}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"progress", "--json"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	var got struct {
		TotalXP int                `json:"totalXP"`
		File    string             `json:"file"`
		Schema  int                `json:"schema"`
		Levels  map[int]prog.Level `json:"levels"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if got.TotalXP != 270 || got.File != path || got.Schema != prog.SchemaVersion || got.Levels[30].BestXP != 270 || !got.Levels[30].Completed {
		t.Fatalf("progress --json = %s", out.String())
	}
}
