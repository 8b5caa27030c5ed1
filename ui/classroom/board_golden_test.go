package classroom

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/ui"
)

// fixedRoom is a workshop that never changes: one snapshot, no actions.
type fixedRoom struct{ snap classroom.Snapshot }

func (r fixedRoom) Subscribe(ctx context.Context) <-chan classroom.Snapshot {
	ch := make(chan classroom.Snapshot, 1)
	ch <- r.snap
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}
func (fixedRoom) Reset(context.Context, string, int) error { return nil }
func (fixedRoom) Broadcast(context.Context, string) error  { return nil }
func (fixedRoom) End(context.Context) (string, error)      { return "", nil }

// TestGoldenBoardOverSSH: the instructor's board as their terminal draws it
// over SSH, the real board on a workshop of three learners at a fixed time
// (regenerate with -update).
func TestGoldenBoardOverSSH(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	steps := func(st ...check.Status) []classroom.Check {
		ids := []string{"shared-ip", "wiring", "ready", "pod-dns", "service-dns"}
		out := make([]classroom.Check, len(st))
		for i, s := range st {
			out[i] = classroom.Check{ID: ids[i], Title: ids[i], Status: s}
		}
		return out
	}
	snap := classroom.Snapshot{Workshop: "kubecon-2026", Seq: 3, At: at, Rows: []classroom.Row{
		{Name: "ada", Sessions: 1, Connected: true, Level: 30, Passing: 3, Total: 5, Started: at.Add(-4*time.Minute - 12*time.Second),
			Hints: 1, XP: 270, Completions: 1, LastActivity: at.Add(-12 * time.Second), Checks: steps(check.Fail, check.Pass, check.Pass, check.Pass, check.Fail)},
		{Name: "bo", Level: 29, Passing: 4, Total: 4, Started: at.Add(-20 * time.Minute), Finished: at.Add(-9 * time.Minute),
			Solution: true, XP: 460, Completions: 3, LastActivity: at.Add(-5 * time.Minute)},
		{Name: "cy", Sessions: 1, Connected: true, LastActivity: at.Add(-2 * time.Second)},
	}}
	r := &rig{learners: &fakeLearners{}, instructor: &fakeInstructor{board: func(ctx context.Context) tea.Model {
		return ui.NewBoard(ctx, fixedRoom{snap}).WithClock(func() time.Time { return at })
	}}, teacher: newKey(t)}
	r.cfg = testConfig(t.TempDir(), r.teacher.PublicKey(), r.learners, r.instructor)
	r.serve(t)
	c := r.mustDial(t, login{InstructorUser, r.teacher, ""})
	tm := openTerminal(t, c, 100, 20, map[string]string{"NO_COLOR": "1"})
	tm.waitScreen(t, 100, 20, "kubecon-2026")
	tm.waitOutput(t, "ada", "bo", "cy")
	tm.requireGolden(t, 100, 20)
}
