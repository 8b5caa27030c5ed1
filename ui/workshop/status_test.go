package workshop

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
)

// `status --json` gives each learner's checks (what a script needs to see
// where a learner is stuck); `status` alone gives a table for a person.
func TestStatusJSONHasChecks(t *testing.T) {
	hub := classroom.New(classroom.Options{Workshop: "ws"})
	w := &Workshop{hub: hub}
	if err := hub.Publish(classroom.Event{Learner: "ada", Kind: classroom.Verdict, Level: 30,
		Checks: []classroom.Check{{ID: "shared-ip", Title: "no shared address", Status: check.Fail}}}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := w.Status(context.Background(), true, &b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Learners []struct {
			Name   string
			Checks []classroom.Check
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || len(doc.Learners) != 1 || len(doc.Learners[0].Checks) != 1 ||
		doc.Learners[0].Checks[0].ID != "shared-ip" || doc.Learners[0].Checks[0].Status != check.Fail {
		t.Fatalf("status --json: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := w.Status(context.Background(), false, &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "NAME  CONNECTED") || !strings.Contains(b.String(), "ada ") || strings.Contains(b.String(), "{") {
		t.Fatalf("status:\n%s", b.String())
	}
}
