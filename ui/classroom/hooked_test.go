package classroom

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/ui"
)

// hookedBackend is a learner's game with hooks: it sends one broadcast
// once the program exists.
type hookedBackend struct{ *fakeBackend }

// UIOptions implements Hooked.
func (b *hookedBackend) UIOptions() ui.Options { return ui.Options{} }

// Attach implements Hooked.
func (b *hookedBackend) Attach(_ context.Context, send func(tea.Msg)) {
	send(ui.BroadcastMsg{Text: "HOOKED-BROADCAST"})
}

// hookedLearners open a hooked game.
type hookedLearners struct {
	*fakeLearners
	b *hookedBackend
}

// Open implements Learners.
func (l hookedLearners) Open(context.Context, string) (ui.Backend, error) { return l.b, nil }

// TestHookedGameGetsItsProgram: a game that implements Hooked gets the
// running program: what it sends shows on the learner's screen.
func TestHookedGameGetsItsProgram(t *testing.T) {
	hb := &hookedBackend{fakeBackend: &fakeBackend{cluster: "fakecluster-alice"}}
	r := startRig(t, func(c *Config) { c.Learners = hookedLearners{fakeLearners: &fakeLearners{}, b: hb} })
	c := r.mustDial(t, login{user: "alice", key: newKey(t), code: testCode})
	tm := openTerminal(t, c, 100, 30, nil)
	tm.waitOutput(t, "HOOKED-BROADCAST")
}
