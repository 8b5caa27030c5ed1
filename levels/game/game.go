package game

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/levels"
)

// Game ties the level catalogue, the cluster and the progress file
// together. It is the backend the TUI runs on, and what the scripting
// commands use. Its methods may be called from several goroutines at once:
// the catalogue and options never change after New, the progress file is
// locked on every write, and the connection is guarded by mu.
type Game struct {
	opts   Options
	levels []*levels.Level
	store  *prog.Store
	// own holds the levels' own namespaces, before Options.Namespace.
	own map[string]bool

	// connecting is held for a whole connect, so two callers never start
	// the cluster twice; mu is held only to read or set the fields below,
	// so a long connect never blocks Open or Cluster of a game connected.
	connecting sync.Mutex
	mu         sync.Mutex
	// noticeMu serializes the lines written to Options.Notices.
	noticeMu sync.Mutex

	provider cluster.Provider
	cluster  *cluster.Cluster
	resolver dns.Resolver
	// chosen says why the provider was picked, when the player did not pick.
	chosen string
}

// New loads the levels, set to play in o.Namespace when it is given, and
// opens the progress file. It does not touch a cluster: Connect does. A
// level that does not load is skipped with a notice; none loading is an
// error.
func New(o Options) (*Game, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	ls, err := levels.LoadAll(content.FS)
	if err != nil && len(ls) == 0 {
		return nil, fmt.Errorf("load levels: %w", err)
	}
	if err != nil {
		// One broken level must not keep the player from the others.
		fmt.Fprintf(o.notices(), "k8squest: some levels were skipped:\n%v\n", err)
	}
	own := map[string]bool{}
	for i, l := range ls {
		own[l.Namespace] = true
		ls[i] = l.WithNamespace(o.Namespace)
	}
	return &Game{opts: o, levels: ls, own: own, store: prog.Open(o.progressPath())}, nil
}

// Levels returns every level, sorted by number.
func (x *Game) Levels() []*levels.Level { return x.levels }

// Level finds a level by its number as a player types it ("30").
func (x *Game) Level(arg string) (*levels.Level, error) {
	id, err := strconv.Atoi(arg)
	if err != nil {
		return nil, fmt.Errorf("level %q: not a level number (see k8squest levels)", arg)
	}
	for _, l := range x.levels {
		if l.ID == id {
			return l, nil
		}
	}
	return nil, fmt.Errorf("level %d does not exist (see k8squest levels)", id)
}

// Close releases what the game holds open, the DNS resolver and its
// port-forward (unless adopted: Options.Adopt stays open for its owner),
// and forgets the cluster. The game may connect again afterwards.
func (x *Game) Close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.dropLocked()
}

// dropLocked closes the resolver and forgets the connection; mu is held.
func (x *Game) dropLocked() {
	if x.resolver != nil && x.opts.Adopt == nil {
		_ = x.resolver.Close()
	}
	x.provider, x.cluster, x.resolver, x.chosen = nil, nil, nil, ""
}

// notice writes one line to Options.Notices.
func (x *Game) notice(format string, a ...any) {
	x.noticeMu.Lock()
	defer x.noticeMu.Unlock()
	fmt.Fprintf(x.opts.notices(), format, a...)
}

// connection returns the cluster and resolver, nil before Connect.
func (x *Game) connection() (*cluster.Cluster, dns.Resolver) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.cluster, x.resolver
}
