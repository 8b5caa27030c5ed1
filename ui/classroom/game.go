package classroom

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/ui"
)

// Learners is the game of every learner, what the server needs from
// levels/game. Each method is called with the learner's name, already
// checked with ValidLearner and bound to the learner's key; ctx ends when
// the session does. Calls for different learners, and for one learner
// from several sessions, come concurrently.
type Learners interface {
	// Open returns the game of learner name for one interactive session:
	// their levels, their namespace (Namespace(workshop, name)), their
	// player identity and their progress, kept by the server. Its Shell
	// must never start a process on the server's own account: it attaches
	// to a pod in the learner's namespace, or explains the kubeconfig
	// route. An error (such as "the cluster holds 50 learners") is shown
	// to the learner as it is.
	//
	// A learner who reconnects gets a new Open, possibly while the old
	// session's game is still shutting down (its ctx is cancelled first):
	// the backend resumes their level and clock from what it keeps. What
	// it holds for the session is freed when ctx ends.
	Open(ctx context.Context, name string) (ui.Backend, error)
	// Kubeconfig writes the kubeconfig of learner name's player identity,
	// pointing at the advertised API address, to out.
	Kubeconfig(ctx context.Context, name string, out io.Writer) error
	// Start sets level up in the learner's namespace and writes its
	// briefing to out, as `k8squest start N` does.
	Start(ctx context.Context, name string, level int, out io.Writer) error
	// Check runs level's checks once and writes the verdict to out, as
	// `k8squest check N [--json]` does; passed is whether all pass.
	Check(ctx context.Context, name string, level int, asJSON bool, out io.Writer) (passed bool, err error)
	// Progress writes the learner's progress to out, as `k8squest progress
	// [--json]` does.
	Progress(ctx context.Context, name string, asJSON bool, out io.Writer) error
}

// Instructor is the instructor's side of the workshop: the live board and
// the actions on the class. The server calls it only for a session that
// authenticated with an instructor key.
type Instructor interface {
	// Board returns the live board for one terminal session; it runs until
	// the instructor quits it or ctx ends.
	Board(ctx context.Context) (tea.Model, error)
	// Status writes one row per learner to out, as a table or as JSON.
	Status(ctx context.Context, asJSON bool, out io.Writer) error
	// Export writes every learner's results to out in format.
	Export(ctx context.Context, format ExportFormat, out io.Writer) error
	// Broadcast shows text as a banner in every learner's game.
	Broadcast(ctx context.Context, text string) error
	// Reset sets learner name's level back to its broken state.
	Reset(ctx context.Context, name string, level int) error
	// End ends the workshop: it removes every learner's namespace and
	// identity, and writes a summary to out.
	End(ctx context.Context, out io.Writer) error
}

// Presence hears when learners come and go, for the board's "connected"
// column. Connected is called when a learner's first session starts and
// Disconnected when their last one ends.
type Presence interface {
	Connected(name string)
	Disconnected(name string)
}

// ExportFormat is the format of `export --format`.
type ExportFormat string

// The formats of export.
const (
	ExportCSV  ExportFormat = "csv"
	ExportJSON ExportFormat = "json"
)
