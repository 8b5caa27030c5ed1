// Package workshop is the classroom server's game: it gives each learner a
// game of their own (levels/game) in their own namespace, on one cluster
// connection and one DNS resolver shared by the whole class, feeds the
// workshop's hub (engine/classroom) with what learners do, and carries out
// the instructor's actions. It satisfies ui/classroom's Learners,
// Instructor and Presence.
package workshop

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
	"github.com/k8squest/k8squest/levels/game"
	room "github.com/k8squest/k8squest/ui/classroom"
)

// Options configure a Workshop.
type Options struct {
	// Provider is the cluster provider, as --provider.
	Provider string
	// Workshop names the workshop (a DNS label); learners play in
	// room.Namespace(Workshop, name).
	Workshop string
	// StateDir is the server's state directory: the hub's roster and,
	// under learners/NAME, each learner's progress and player kubeconfigs.
	StateDir string
	// Offered are the levels the workshop offers, for the capacity.
	Offered []int
	// Learners is how many learners the workshop is for (serve's
	// --learners): a kind cluster Open creates gets room for them on the
	// largest offered level, the sim node is raised to hold them, and the
	// capacity says when the cluster holds fewer. 0 sizes nothing.
	Learners int
	// Advertise, when its Host is set, publishes a new kind cluster's API
	// server for the learners' machines, and their kubeconfigs name it.
	Advertise kindcluster.Advertise
	// ShellImage is the image of the learners' shell pods; empty is
	// game.RemoteShell's default.
	ShellImage string
}

// Workshop is the game of a whole class. Its methods are safe for
// concurrent use.
type Workshop struct {
	opts  Options
	admin *game.Game
	conn  *game.Conn
	hub   *classroom.Hub

	mu    sync.Mutex
	games map[string]*game.Game
	// sshAddr is the server's listening address, for the kubeconfig route
	// a learner is shown where `s` can open no pod (SetSSHAddress).
	sshAddr string
	// setups bounds the levels' set-ups and resets running at once
	// across learners (concurrentSetups).
	setups gate
}

var (
	_ room.Learners   = (*Workshop)(nil)
	_ room.Instructor = (*Workshop)(nil)
	_ room.Presence   = (*Workshop)(nil)
)

// Open connects to the cluster once (starting it when it does not run),
// opens the hub and rebuilds it from the roster and progress files a
// previous run left.
func Open(ctx context.Context, o Options, rep cluster.Reporter) (*Workshop, error) {
	if err := room.ValidWorkshop(o.Workshop); err != nil {
		return nil, err
	}
	maxPods, err := classMaxPods(o)
	if err != nil {
		return nil, err
	}
	admin, err := game.New(game.Options{Provider: o.Provider, Shared: true, StateDir: filepath.Join(o.StateDir, "server"),
		ProgressPath: filepath.Join(o.StateDir, "server", "progress.json"), Advertise: o.Advertise, MaxPods: maxPods,
		Learners: o.Learners})
	if err != nil {
		return nil, err
	}
	if _, err := admin.Reach(ctx, rep, true); err != nil {
		return nil, fmt.Errorf("connect to the workshop's cluster: %w", err)
	}
	w := &Workshop{opts: o, admin: admin, conn: admin.Conn(), games: map[string]*game.Game{}, setups: newGate(concurrentSetups)}
	w.hub = classroom.New(classroom.Options{Workshop: o.Workshop, StatePath: w.hubPath()})
	if err := w.restore(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// classMaxPods is the kubelet pod limit a kind cluster created for o's
// class needs, from the levels' catalogue; 0 when o sizes nothing or
// names a provider that creates no kind cluster.
func classMaxPods(o Options) (int, error) {
	switch strings.ToLower(o.Provider) {
	case "sim", "current":
		return 0, nil
	}
	if o.Learners == 0 {
		return 0, nil
	}
	cat, err := game.New(game.Options{Provider: o.Provider})
	if err != nil {
		return 0, err
	}
	return cat.ClassroomMaxPods(o.Offered, o.Learners)
}

// hubPath is where the hub keeps its roster.
func (w *Workshop) hubPath() string {
	return filepath.Join(w.opts.StateDir, "board-"+w.opts.Workshop+".json")
}

// restore seeds the hub with the roster and every learner's progress.
func (w *Workshop) restore() error {
	rows, msg, err := classroom.LoadRoster(w.hubPath())
	if err != nil {
		return err
	}
	w.hub.Seed(rows, msg)
	for _, r := range rows {
		g, err := w.game(r.Name)
		if err != nil {
			return err
		}
		if st, err := g.Progress(); err == nil {
			w.hub.SeedProgress(r.Name, st)
		}
	}
	return nil
}

// Hub is the workshop's live state.
func (w *Workshop) Hub() *classroom.Hub { return w.hub }

// Conn is the one connection every learner's game shares.
func (w *Workshop) Conn() *game.Conn { return w.conn }

// Capacity says how many learners the cluster holds on the offered levels.
func (w *Workshop) Capacity(ctx context.Context) (classroom.Plan, error) {
	prefix := w.opts.Workshop + "-"
	return w.admin.Capacity(ctx, w.opts.Offered, w.opts.Learners, func(ns string) bool { return strings.HasPrefix(ns, prefix) })
}

// Close stops the hub and closes the shared connection.
func (w *Workshop) Close() {
	if w.hub != nil {
		w.hub.Close()
	}
	w.admin.Close()
}

// game returns learner name's game, making it on first use: their
// namespace, their own progress file and player kubeconfigs under the
// state directory, on the shared connection, and the terminal size their
// SSH sessions keep (80×24 until one reports its own).
func (w *Workshop) game(name string) (*game.Game, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if g := w.games[name]; g != nil {
		return g, nil
	}
	g, err := game.New(w.gameOptionsLocked(name))
	if err != nil {
		return nil, fmt.Errorf("the game of %s: %w", name, err)
	}
	if _, err := g.Reach(context.Background(), nil, false); err != nil {
		return nil, fmt.Errorf("the game of %s: %w", name, err)
	}
	w.games[name] = g
	return g, nil
}

// gameOptionsLocked are the options of learner name's game: their own
// namespace, state and progress, on the workshop's cluster connection,
// with the shell in a pod.
func (w *Workshop) gameOptionsLocked(name string) game.Options {
	dir := w.learnerDir(name)
	return game.Options{
		Provider: w.opts.Provider, Namespace: room.Namespace(w.opts.Workshop, name),
		StateDir: dir, ProgressPath: filepath.Join(dir, "progress.json"), Shared: true, Adopt: w.conn,
		RemoteShell: &game.RemoteShell{KubeconfigRoute: w.routeLocked(name), Sizes: game.NewTerminalSizes(80, 24), Image: w.opts.ShellImage},
		APIServer:   w.apiServer(),
	}
}

// learnerDir is where the server keeps learner name's files.
func (w *Workshop) learnerDir(name string) string {
	return filepath.Join(w.opts.StateDir, "learners", name)
}

// names are the learners who have a game, sorted.
func (w *Workshop) names() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.games))
	for n := range w.games {
		out = append(out, n)
	}
	return sortStrings(out)
}

// SetSSHAddress records the address the server listens on (host:port),
// which the kubeconfig route names; a wildcard host becomes HOST, for the
// instructor's own name of the machine.
func (w *Workshop) SetSSHAddress(addr string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sshAddr = addr
}

// routeLocked is the command that gives learner name their kubeconfig on
// their own machine. w.mu is held.
func (w *Workshop) routeLocked(name string) string {
	host, port, err := net.SplitHostPort(w.sshAddr)
	if err != nil {
		host, port = "HOST", "2222"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "HOST"
	}
	return fmt.Sprintf("ssh -p %s %s@%s kubeconfig > kc", port, name, host)
}

// apiServer is the API server address the learners' kubeconfigs name:
// the advertised one, or "" for the cluster's own.
func (w *Workshop) apiServer() string {
	if w.opts.Advertise.Host == "" {
		return ""
	}
	return w.opts.Advertise.Server()
}
