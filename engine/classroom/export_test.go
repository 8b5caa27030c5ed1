package classroom

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

func exportSnapshot() Snapshot {
	return Snapshot{Workshop: "kubecon", At: t0.Add(10 * time.Minute), Rows: []Row{
		{Name: "ada", Connected: true, Sessions: 1, Level: 30, Passing: 3, Total: 5, Started: t0,
			Hints: 1, XP: 270, Completions: 1, LastActivity: t0.Add(9 * time.Minute), Checks: checks(check.Pass)},
		{Name: `odd, "quoted"` + "\nname", Level: 0},
	}}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := Export(&b, exportSnapshot(), "csv"); err != nil {
		t.Fatal(err)
	}
	want := "name,connected,level,passing,total,time_on_level_s,hints,solution,xp,completions,last_activity\r\n" +
		"ada,true,30,3,5,600,1,false,270,1,2026-12-01T09:09:00Z\r\n" +
		"\"odd, \"\"quoted\"\"\r\nname\",false,0,0,0,0,0,false,0,0,\r\n"
	if b.String() != want {
		t.Fatalf("csv:\n%q\nwant\n%q", b.String(), want)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil || len(recs) != 3 || recs[2][0] != "odd, \"quoted\"\nname" {
		t.Errorf("the CSV does not read back: %q, %v", recs, err)
	}
}

func TestWriteJSONFollowsColumns(t *testing.T) {
	var b bytes.Buffer
	if err := Export(&b, exportSnapshot(), "json"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Workshop string
		Columns  []string
		Learners []json.RawMessage
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Workshop != "kubecon" || !reflect.DeepEqual(doc.Columns, Columns) || len(doc.Learners) != 2 {
		t.Fatalf("json export: %s", b.String())
	}
	keys := jsonKeys(t, doc.Learners[0])
	if !reflect.DeepEqual(keys, Columns) {
		t.Errorf("a record's keys are %v, want Columns %v", keys, Columns)
	}
}

// jsonKeys lists an object's keys in their order.
func jsonKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestExportRefusesUnknownFormat(t *testing.T) {
	err := Export(&bytes.Buffer{}, Snapshot{}, "xml")
	if err == nil || !strings.Contains(err.Error(), `--format "xml"`) {
		t.Errorf("Export(xml) = %v, want an error naming --format", err)
	}
}

func TestCheckJSONRoundTrip(t *testing.T) {
	in := checks(check.Pass, check.Fail, check.Pending, check.Unknown)
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status":"unknown"`) {
		t.Errorf("json: %s", b)
	}
	var out []Check
	if err := json.Unmarshal(b, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("round trip: %v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`[{"id":"x","status":"green"}]`), &out); err == nil || !strings.Contains(err.Error(), `"green"`) {
		t.Errorf("a bad status: %v", err)
	}
}

func TestWriteStatus(t *testing.T) {
	var b bytes.Buffer
	if err := WriteStatus(&b, exportSnapshot()); err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b.Bytes()); err != nil {
		t.Fatal(err)
	}
	b = compact
	var doc struct {
		Workshop string
		Learners []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || len(doc.Learners) != 2 {
		t.Fatalf("status: %v\n%s", err, b.String())
	}
	if string(doc.Learners[0]["checks"]) == "" || !strings.Contains(string(doc.Learners[0]["checks"]), `"status":"pass"`) ||
		string(doc.Learners[1]["checks"]) != "[]" || string(doc.Learners[0]["time_on_level_s"]) != "600" {
		t.Errorf("status learners: %s", b.String())
	}
}
