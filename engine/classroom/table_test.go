package classroom

import (
	"bytes"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
)

// `status` without --json: one aligned line per learner, a learner before
// their first level shown with dashes, the broadcast and the end named.
func TestWriteTable(t *testing.T) {
	s := Snapshot{Workshop: "kubecon", At: t0.Add(10 * time.Minute), Ended: true, Message: &Message{Seq: 1, Text: "break at 3", At: t0.Add(8 * time.Minute)}, Rows: []Row{
		{Name: "ada", Connected: true, Sessions: 1, Level: 30, Passing: 3, Total: 5, Started: t0,
			Hints: 1, XP: 270, Completions: 1, LastActivity: t0.Add(9 * time.Minute), Checks: checks(check.Pass)},
		{Name: "bob"},
	}}
	var b bytes.Buffer
	if err := WriteTable(&b, s); err != nil {
		t.Fatal(err)
	}
	want := "workshop kubecon (ended), 2 learners, at 2026-12-01T09:10:00Z\n" +
		"broadcast at 2026-12-01T09:08:00Z: break at 3\n" +
		"NAME  CONNECTED  LEVEL  CHECKS  ON LEVEL  HINTS  SOLUTION  XP   DONE  LAST ACTIVITY\n" +
		"ada   yes        30     3/5     10m0s     1      no        270  1     2026-12-01T09:09:00Z\n" +
		"bob   no         -      -       -         0      no        0    0     -\n"
	if b.String() != want {
		t.Fatalf("table:\n%s\nwant\n%s", b.String(), want)
	}
}
