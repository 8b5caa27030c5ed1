// Package game is k8squest's backend: the level catalogue, the cluster the
// levels run on, the sessions that play them, the player's identity and the
// progress file. The CLI, the TUI and the SSH server are thin clients of it,
// as kind's command line is of kind's pkg/cluster.
//
// A Game is built from Options, not from globals, so one process may hold
// one Game per learner, each with its own namespace, progress file and
// player kubeconfigs. Its methods are safe to call from several goroutines.
//
// The package never imports ui or Charm: ui defines the interfaces it needs
// (ui.Backend, ui.Session). *Session is a ui.Session; *Game has every method
// of ui.Backend, but its Open returns *Session, since this package cannot
// name ui.Session, so a caller that runs the TUI wraps it in a one-method
// adapter (cmd/k8squest's backend). Shell returns ShellCommand, an alias of
// the same interface literal as ui.ShellCommand (tea.ExecCommand's
// methods), so that no adapter is needed for it.
//
// For a learner over SSH (Options.RemoteShell), Shell never starts a
// process on this machine: it starts the player's shell pod in
// kube.PlayersNamespace, next to the player's ServiceAccount, and attaches
// to it through pods/exec.
package game
