package ui

import (
	"context"
	"io"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/score"
	"github.com/k8squest/k8squest/levels"
)

// Backend is everything the UI needs from the game: the level catalogue, the
// cluster, sessions and the player's progress. cmd/k8squest passes the real
// one; tests pass a fake.
type Backend interface {
	// Levels returns every level, sorted by number.
	Levels() []*levels.Level
	// Progress returns the saved progress.
	Progress() (progress.State, error)
	// Connect finds or starts the cluster, reporting long steps on rep. It
	// returns a one-line description of the cluster ("sim cluster k8squest-sim").
	Connect(ctx context.Context, rep cluster.Reporter) (string, error)
	// Recreate is Connect, allowed to delete a cluster that stays unhealthy
	// (an error wrapping cluster.ErrUnhealthy) and create it again. The
	// boot screen offers it when Connect failed that way.
	Recreate(ctx context.Context, rep cluster.Reporter) (string, error)
	// Open binds a level to its namespace on the connected cluster.
	Open(ctx context.Context, l *levels.Level) (Session, error)
	// Complete records a completed attempt and returns the XP breakdown, what
	// the completion changed and the new progress.
	// notes are the play's field notes, kept with the progress.
	Complete(l *levels.Level, o score.Outcome, notes *fieldnotes.Notes) (score.Breakdown, progress.Award, progress.State, error)
	// Started records that a level was started (an attempt).
	Started(l *levels.Level) error
	// PlayerKubeconfigPath is where the kubeconfig of the player's identity
	// for level l lives, the file `k8squest cluster kubeconfig --player`
	// writes too. It does no I/O.
	PlayerKubeconfigPath(l *levels.Level) string
	// WritePlayerKubeconfig makes sure the player's identity may work in the
	// namespaces of level l, mints its token and writes its kubeconfig at
	// PlayerKubeconfigPath. It talks to the API server and may take seconds,
	// so the UI calls it off the event loop; it stops when ctx ends.
	WritePlayerKubeconfig(ctx context.Context, l *levels.Level) error
	// Shell returns the player's interactive shell, as the player (its
	// kubeconfig is kubeconfig, written by WritePlayerKubeconfig) and in
	// the level's namespace: a local shell, or, for a learner over SSH, a
	// shell in a pod of the cluster. It may take seconds (a pod starts), so
	// the UI calls it off the event loop; ctx bounds the shell's whole
	// life. An error with a ShellRoute() string method says how to reach
	// the cluster as the player instead, and the UI shows that command.
	Shell(ctx context.Context, l *levels.Level, kubeconfig string) (ShellCommand, error)
}

// ShellCommand is what tea.Exec runs in the game's terminal
// (tea.ExecCommand). It is an alias of an interface literal, so that the
// backend (levels/game) can name the same type without importing Charm.
type ShellCommand = interface {
	Run() error
	SetStdin(io.Reader)
	SetStdout(io.Writer)
	SetStderr(io.Writer)
}

// Session is one level being played.
type Session interface {
	// Namespace is where the level runs.
	Namespace() string
	// Setup creates the broken state; it reports steps on rep.
	Setup(ctx context.Context, rep cluster.Reporter) error
	// Reset deletes what the level created and sets it up again.
	Reset(ctx context.Context, rep cluster.Reporter) error
	// Teardown deletes everything the level created, namespaces included.
	Teardown(ctx context.Context, rep cluster.Reporter) error
	// Watch runs the checks on every change until ctx ends, sending each new
	// verdict; the channel closes when ctx ends.
	Watch(ctx context.Context) <-chan play.Verdict
	// Drill runs the level's drill, reporting steps on report. A level without
	// a drill returns a passed Result at once.
	Drill(ctx context.Context, report func(drill.Step)) drill.Result
	// HasDrill says whether the level has a drill, and its title.
	HasDrill() (bool, string)
	// Observe reads the level's Services as a client sees them, for the
	// field notes.
	Observe(ctx context.Context) (fieldnotes.Observation, error)
}
