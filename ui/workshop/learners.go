package workshop

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/levels/game"
	"github.com/k8squest/k8squest/ui"
)

// Open implements room.Learners: the learner's game, resuming the level
// their progress file says they left in play, with its clock.
func (w *Workshop) Open(ctx context.Context, name string) (ui.Backend, error) {
	g, err := w.game(name)
	if err != nil {
		return nil, err
	}
	return &learner{Game: g, w: w, name: name}, nil
}

// Kubeconfig implements room.Learners: it writes the player kubeconfig
// of the learner's namespace and copies it to out. Like every command of
// the learner's, it counts as activity on the board.
func (w *Workshop) Kubeconfig(ctx context.Context, name string, out io.Writer) error {
	g, err := w.game(name)
	if err != nil {
		return err
	}
	w.publish(name, classroom.Event{Kind: classroom.Activity})
	path, err := game.PlayerKubeconfig(ctx, g.Cluster(), g.Options())
	if err != nil {
		return fmt.Errorf("write the kubeconfig of %s: %w", name, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read the kubeconfig of %s: %w", name, err)
	}
	_, err = out.Write(b)
	return err
}

// Start implements room.Learners: it sets level up in the learner's
// namespace, records the attempt and writes the briefing.
func (w *Workshop) Start(ctx context.Context, name string, level int, out io.Writer) error {
	g, l, err := w.level(name, level)
	if err != nil {
		return err
	}
	s, err := g.Open(ctx, l)
	if err != nil {
		return err
	}
	rep := cluster.Reporter(func(e cluster.Event) {
		if e.State == cluster.StepDone {
			fmt.Fprintf(out, "✓ %s\n", e.Step)
		}
	})
	if err := w.setups.do(ctx, rep, func() error { return s.Setup(ctx, rep) }); err != nil {
		return fmt.Errorf("set up level %d: %w", level, err)
	}
	if err := g.Started(l); err != nil {
		return fmt.Errorf("record the attempt: %w", err)
	}
	if st, err := g.Progress(); err == nil {
		if id, started, ok := st.InPlay(); ok && id == level {
			w.publish(name, levelStarted(l, started))
		}
	}
	_, err = fmt.Fprintf(out, "Level %d is set up in namespace %s.\n\n%s\n", level, l.Namespace, l.Briefing)
	return err
}

// Check implements room.Learners: the level's checks once, as text or
// as the JSON of `k8squest check --json`. The verdict goes to the board.
func (w *Workshop) Check(ctx context.Context, name string, level int, asJSON bool, out io.Writer) (bool, error) {
	g, l, err := w.level(name, level)
	if err != nil {
		return false, err
	}
	s, err := g.Open(ctx, l)
	if err != nil {
		return false, err
	}
	v, err := s.CheckOnce(ctx)
	if err != nil {
		return false, fmt.Errorf("check level %d: %w", level, err)
	}
	w.publish(name, verdict(level, v.Results))
	if asJSON {
		return v.Passed, json.NewEncoder(out).Encode(checkJSON(level, v.Passed, v.Results))
	}
	for _, r := range v.Results {
		fmt.Fprintf(out, "%s %s: %s\n", mark(r.Status), r.Title, r.Message)
	}
	return v.Passed, nil
}

// Progress implements room.Learners.
func (w *Workshop) Progress(_ context.Context, name string, asJSON bool, out io.Writer) error {
	g, err := w.game(name)
	if err != nil {
		return err
	}
	w.publish(name, classroom.Event{Kind: classroom.Activity})
	st, err := g.Progress()
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(out).Encode(st)
	}
	_, err = fmt.Fprintf(out, "%d XP, %d levels played\n", st.TotalXP(), len(st.Levels))
	return err
}

// level returns learner name's game and level number id.
func (w *Workshop) level(name string, id int) (*game.Game, *levels.Level, error) {
	g, err := w.game(name)
	if err != nil {
		return nil, nil, err
	}
	l, err := g.Level(fmt.Sprint(id))
	if err != nil {
		return nil, nil, err
	}
	return g, l, nil
}

// mark is a check's status as one character.
func mark(s check.Status) string {
	if s == check.Pass {
		return "✓"
	}
	return "✗"
}

// checkJSON is the JSON shape of `k8squest check --json`.
func checkJSON(level int, passed bool, rs []check.Result) any {
	type item struct {
		ID      string `json:"id"`
		Passed  bool   `json:"passed"`
		Message string `json:"message"`
	}
	items := make([]item, len(rs))
	for i, r := range rs {
		items[i] = item{ID: r.ID, Passed: r.Status == check.Pass, Message: r.Message}
	}
	return struct {
		Level  int    `json:"level"`
		Passed bool   `json:"passed"`
		Checks []item `json:"checks"`
	}{level, passed, items}
}
