package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/fieldnotes"
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

// TestProgressNotes: the field notes saved with a completion are printed
// again by progress --notes, and a level without notes says so.
func TestProgressNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	t.Setenv(prog.EnvPath, path)
	notes := &fieldnotes.Notes{Level: 21, Namespace: "k8squest", Broken: &fieldnotes.Observation{Services: []fieldnotes.Service{{
		Namespace: "k8squest", Name: "backend-service", ClusterIP: "10.96.12.34",
		DNS: fieldnotes.Answer{Name: "backend-service.k8squest.svc.cluster.local", Values: []string{"10.96.12.34"}, Rcode: "NOERROR"}}}}}
	if _, _, _, err := prog.Open(path).Complete(prog.Completion{Level: 21, XP: 100, Notes: notes}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"progress"}, strings.NewReader(""), &out, &out); err != nil || !strings.Contains(out.String(), "k8squest progress --notes 21") {
		t.Fatalf("progress: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"progress", "--notes", "21"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "## On your cluster") || !strings.Contains(s, "Broken: clusterIP 10.96.12.34; endpoints none") {
		t.Fatalf("progress --notes 21:\n%s", s)
	}
	err := run(context.Background(), []string{"progress", "--notes", "30"}, strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "--notes: level 30 has no field notes yet") {
		t.Fatalf("progress --notes 30: %v", err)
	}
}
