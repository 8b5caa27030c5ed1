package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const spec = `{"ociVersion":"1.0.2","process":{"oomScoreAdj":-998,"capabilities":{
"bounding":["CAP_CHOWN","CAP_SYS_RESOURCE"],"effective":["CAP_SYS_RESOURCE","CAP_KILL"],
"permitted":["CAP_SYS_RESOURCE"]},"args":["sh"]},"root":{"path":"rootfs"}}`

func TestCreateEditsBundle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--root", "/run/runc", "--log", "/x.log", "create", "--bundle", dir, "--pid-file", "p", "id"}
	if err := fix(args); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Process struct {
			OOMScoreAdj  int                 `json:"oomScoreAdj"`
			Capabilities map[string][]string `json:"capabilities"`
			Args         []string            `json:"args"`
		} `json:"process"`
		Root map[string]string `json:"root"`
	}
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for set, caps := range got.Process.Capabilities {
		if slices.Contains(caps, dropped) {
			t.Fatalf("%s still holds %s: %v", set, dropped, caps)
		}
	}
	if !slices.Equal(got.Process.Capabilities["bounding"], []string{"CAP_CHOWN"}) ||
		!slices.Equal(got.Process.Capabilities["effective"], []string{"CAP_KILL"}) {
		t.Fatalf("other capabilities changed: %v", got.Process.Capabilities)
	}
	if got.Process.OOMScoreAdj != 0 || got.Root["path"] != "rootfs" || got.Process.Args[0] != "sh" {
		t.Fatalf("spec after fix: %s", raw)
	}
}

func TestExecEditsProcessFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "process.json")
	if err := os.WriteFile(path, []byte(`{"capabilities":{"bounding":["CAP_SYS_RESOURCE"]},"oomScoreAdj":5}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := fix([]string{"exec", "--process=" + path, "--detach", "id"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if string(raw) != `{"capabilities":{"bounding":[]},"oomScoreAdj":5}` {
		t.Fatalf("process file after fix: %s", raw)
	}
}

func TestOtherCommandsUntouched(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"state", "id"}, {"--root", "create", "delete", "id"}} {
		if err := fix(args); err != nil {
			t.Fatalf("fix(%q): %v", args, err)
		}
	}
}

func TestHasCap(t *testing.T) {
	here := "Name:\tsh\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n"
	full := "CapBnd:\t000001ffffffffff\n"
	if hasCap(here, capSysResource) {
		t.Fatal("CapBnd 000001fffeffffff holds CAP_SYS_RESOURCE")
	}
	if !hasCap(full, capSysResource) || !hasCap(here, 23) {
		t.Fatal("capability bits that are set not seen")
	}
	if hasCap("Name:\tsh\n", capSysResource) {
		t.Fatal("no CapBnd line means no capability")
	}
}
