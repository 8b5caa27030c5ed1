package classroom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/score"
	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/ui"
)

// fakeLearners is the game without a cluster: it records every call.
type fakeLearners struct {
	mu    sync.Mutex
	calls []string
}

// record notes one call.
func (f *fakeLearners) record(format string, a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

// seen returns the calls so far.
func (f *fakeLearners) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// boom panics for the learner named "boom", as a bug in the game would.
func boom(name string) {
	if name == "boom" {
		panic("the game broke for " + name)
	}
}

func (f *fakeLearners) Open(_ context.Context, name string) (ui.Backend, error) {
	f.record("open %s", name)
	boom(name)
	if name == "late" {
		return nil, errors.New("the cluster holds 2 learners, and 2 have joined")
	}
	return &fakeBackend{cluster: "fakecluster-" + name}, nil
}

func (f *fakeLearners) Kubeconfig(_ context.Context, name string, out io.Writer) error {
	f.record("kubeconfig %s", name)
	_, err := fmt.Fprintf(out, "apiVersion: v1\nkind: Config\n# namespace %s\n", Namespace("ws", name))
	return err
}

func (f *fakeLearners) Start(_ context.Context, name string, level int, out io.Writer) error {
	f.record("start %s %d", name, level)
	_, err := fmt.Fprintf(out, "level %d set up\n", level)
	return err
}

func (f *fakeLearners) Check(_ context.Context, name string, level int, asJSON bool, out io.Writer) (bool, error) {
	f.record("check %s %d json=%t", name, level, asJSON)
	passed := level == 30
	_, err := fmt.Fprintf(out, "{\"level\":%d,\"passed\":%t}\n", level, passed)
	return passed, err
}

func (f *fakeLearners) Progress(_ context.Context, name string, asJSON bool, out io.Writer) error {
	f.record("progress %s json=%t", name, asJSON)
	boom(name)
	return json.NewEncoder(out).Encode(map[string]any{"learner": name, "xp": 120, "json": asJSON})
}

// fakeInstructor records the instructor's actions.
type fakeInstructor struct {
	fakeLearners
	// board, when set, makes the board's model; else a stand-in.
	board func(context.Context) tea.Model
}

func (f *fakeInstructor) Board(ctx context.Context) (tea.Model, error) {
	if f.board != nil {
		return f.board(ctx), nil
	}
	return boardModel{}, nil
}

func (f *fakeInstructor) Status(_ context.Context, asJSON bool, out io.Writer) error {
	f.record("status json=%t", asJSON)
	_, err := fmt.Fprintln(out, `{"learners":[]}`)
	return err
}

func (f *fakeInstructor) Export(_ context.Context, format ExportFormat, out io.Writer) error {
	f.record("export %s", format)
	_, err := fmt.Fprintln(out, "name,level")
	return err
}

func (f *fakeInstructor) Broadcast(_ context.Context, text string) error {
	f.record("broadcast %s", text)
	return nil
}

func (f *fakeInstructor) Reset(_ context.Context, name string, level int) error {
	f.record("reset %s %d", name, level)
	return nil
}

func (f *fakeInstructor) End(_ context.Context, out io.Writer) error {
	f.record("end")
	_, err := fmt.Fprintln(out, "workshop ended")
	return err
}

// boardModel stands in for the live board.
type boardModel struct{}

func (boardModel) Init() tea.Cmd { return nil }

func (m boardModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return m, tea.Quit
	}
	return m, nil
}

func (boardModel) View() tea.View { return tea.NewView("INSTRUCTOR-BOARD") }

// fakeBackend is a learner's game with one level and no cluster.
type fakeBackend struct{ cluster string }

func (b *fakeBackend) Levels() []*levels.Level {
	return []*levels.Level{{ID: 30, World: 3, Title: "Headless Services & StatefulSet DNS", Difficulty: "advanced", XP: 300, Namespace: "k8squest"}}
}

func (b *fakeBackend) Progress() (progress.State, error) {
	return progress.State{Schema: progress.SchemaVersion, Levels: map[int]*progress.Level{}}, nil
}

func (b *fakeBackend) Connect(context.Context, cluster.Reporter) (string, error) {
	return b.cluster, nil
}

func (b *fakeBackend) Recreate(ctx context.Context, rep cluster.Reporter) (string, error) {
	return b.Connect(ctx, rep)
}

func (b *fakeBackend) Open(context.Context, *levels.Level) (ui.Session, error) {
	return nil, errors.New("no level plays in this fake")
}

func (b *fakeBackend) Complete(*levels.Level, score.Outcome, *fieldnotes.Notes) (score.Breakdown, progress.Award, progress.State, error) {
	return score.Breakdown{}, progress.Award{}, progress.State{}, errors.New("no level plays in this fake")
}

func (b *fakeBackend) Started(*levels.Level) error { return nil }

func (b *fakeBackend) PlayerKubeconfigPath(*levels.Level) string { return "/nonexistent" }

func (b *fakeBackend) WritePlayerKubeconfig(context.Context, *levels.Level) error {
	return errors.New("no cluster in this fake")
}

func (b *fakeBackend) Shell(context.Context, *levels.Level, string) (ui.ShellCommand, error) {
	return nil, errors.New("no shell in the classroom's fake")
}
