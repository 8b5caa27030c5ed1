package game

import (
	"fmt"
	"strconv"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/levels"
)

// Game ties the level catalogue, the cluster and the progress file
// together. It is the backend the TUI runs on, and what the scripting
// commands use.
type Game struct {
	opts   Options
	levels []*levels.Level
	store  *prog.Store

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
	for i, l := range ls {
		ls[i] = l.WithNamespace(o.Namespace)
	}
	return &Game{opts: o, levels: ls, store: prog.Open(o.progressPath())}, nil
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

// Close releases what the game holds open: the DNS resolver and its
// port-forward. The game may connect again afterwards.
func (x *Game) Close() {
	if x.resolver != nil {
		_ = x.resolver.Close()
	}
}
