package workshop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/ui"
	room "github.com/k8squest/k8squest/ui/classroom"
)

// Board implements room.Instructor: the live board over the hub.
func (w *Workshop) Board(ctx context.Context) (tea.Model, error) {
	return ui.NewBoard(ctx, boardRoom{w}), nil
}

// Status implements room.Instructor: the rows with each learner's checks
// as JSON, or a table.
func (w *Workshop) Status(_ context.Context, asJSON bool, out io.Writer) error {
	if asJSON {
		return classroom.WriteStatus(out, w.hub.Snapshot())
	}
	return classroom.WriteTable(out, w.hub.Snapshot())
}

// Export implements room.Instructor.
func (w *Workshop) Export(_ context.Context, f room.ExportFormat, out io.Writer) error {
	return classroom.Export(out, w.hub.Snapshot(), string(f))
}

// Broadcast implements room.Instructor.
func (w *Workshop) Broadcast(_ context.Context, text string) error {
	_, err := w.hub.Broadcast(text)
	return err
}

// Reset implements room.Instructor: learner name's level set up again
// from its broken state.
func (w *Workshop) Reset(ctx context.Context, name string, level int) error {
	g, l, err := w.level(name, level)
	if err != nil {
		return err
	}
	s, err := g.Open(ctx, l)
	if err != nil {
		return err
	}
	if err := w.setups.do(ctx, nil, func() error { return s.Reset(ctx, nil) }); err != nil {
		return fmt.Errorf("reset level %d of %s: %w", level, name, err)
	}
	return nil
}

// End implements room.Instructor: every learner's namespaces and
// identity removed, a summary written to out, the hub ended.
func (w *Workshop) End(ctx context.Context, out io.Writer) error {
	snap := w.hub.Snapshot()
	var errs []error
	removed := 0
	for _, name := range w.learners(snap) {
		g, err := w.game(name)
		if err == nil {
			err = g.RemovePlayer(ctx, nil)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("remove learner %s: %w", name, err))
			continue
		}
		removed++
	}
	fmt.Fprintf(out, "Workshop %s ended: %d learner(s) removed (namespaces, ServiceAccounts, bindings, node-port claims, shell pods).\n", w.opts.Workshop, removed)
	if err := classroom.WriteStatus(out, snap); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		w.hub.End()
	}
	return errors.Join(errs...)
}

// learners are the names in snap and every learner with a game.
func (w *Workshop) learners(snap classroom.Snapshot) []string {
	seen := map[string]bool{}
	for _, n := range w.names() {
		seen[n] = true
	}
	for _, r := range snap.Rows {
		seen[r.Name] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	return sortStrings(out)
}

// boardRoom is the workshop as the board sees it.
type boardRoom struct{ w *Workshop }

// Subscribe implements ui.Classroom.
func (b boardRoom) Subscribe(ctx context.Context) <-chan classroom.Snapshot {
	return b.w.hub.Subscribe(ctx).C()
}

// Reset implements ui.Classroom.
func (b boardRoom) Reset(ctx context.Context, learner string, level int) error {
	return b.w.Reset(ctx, learner, level)
}

// Broadcast implements ui.Classroom.
func (b boardRoom) Broadcast(ctx context.Context, text string) error {
	return b.w.Broadcast(ctx, text)
}

// End implements ui.Classroom.
func (b boardRoom) End(ctx context.Context) (string, error) {
	var out bytes.Buffer
	err := b.w.End(ctx, &out)
	return out.String(), err
}
