package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/play"
	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/score"
	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/ui"
)

// game ties the level catalogue, the cluster and the progress file together.
// It is the Backend the TUI runs on, and what the scripting commands use.
type game struct {
	g        *globals
	levels   []*levels.Level
	store    *prog.Store
	provider cluster.Provider
	cluster  *cluster.Cluster
	resolver dns.Resolver
	// chosen says why the provider was picked, when the player did not pick.
	chosen string
}

var _ ui.Backend = (*game)(nil)

func newGame(g *globals) (*game, error) {
	if g.namespace != "" {
		if err := levels.ValidNamespace(g.namespace); err != nil {
			return nil, fmt.Errorf("--namespace: %w", err)
		}
	}
	ls, err := levels.LoadAll(content.FS)
	if err != nil && len(ls) == 0 {
		return nil, fmt.Errorf("load levels: %w", err)
	}
	if err != nil {
		// One broken level must not keep the player from the others.
		fmt.Fprintf(g.stderr, "k8squest: some levels were skipped:\n%v\n", err)
	}
	for i, l := range ls {
		ls[i] = l.WithNamespace(g.namespace)
	}
	return &game{g: g, levels: ls, store: prog.Open(prog.DefaultPath())}, nil
}

// level finds a level by the number given on the command line.
func (x *game) level(arg string) (*levels.Level, error) {
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

// Levels implements ui.Backend.
func (x *game) Levels() []*levels.Level { return x.levels }

// Progress implements ui.Backend.
func (x *game) Progress() (prog.State, error) {
	st, notice, err := x.store.Load()
	if notice != "" {
		fmt.Fprintln(x.g.stderr, "k8squest:", notice)
	}
	return st, err
}

// Connect implements ui.Backend: it finds or starts the cluster. Called again
// (the player asks for it when the API server stopped answering), it forgets
// the cluster it had and looks afresh, so a deleted cluster is created again.
func (x *game) Connect(ctx context.Context, rep cluster.Reporter) (string, error) {
	x.close()
	x.provider, x.cluster, x.resolver = nil, nil, nil
	return x.connect(ctx, rep, true)
}

// connect reaches the cluster, starting it when up is true.
func (x *game) connect(ctx context.Context, rep cluster.Reporter, up bool) (string, error) {
	if x.cluster != nil {
		return x.describe(), nil
	}
	p, reason, err := x.g.providerFor(rep)
	if err != nil {
		return "", err
	}
	x.chosen = ""
	if reason != "" && x.g.provider == "" {
		// The player did not pick a cluster: say which one was taken, and why.
		x.chosen = reason
		rep.Report(cluster.Event{Step: "choose a cluster", State: cluster.StepInfo, Detail: reason})
	}
	c, err := p.Connect(ctx)
	if err != nil && up {
		c, err = p.Up(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("%s cluster: %w", p.Name(), err)
	}
	if err := x.preflight(ctx, c, rep, up); err != nil {
		return "", err
	}
	// DNS is never fatal: without it the DNS checks say Unknown and why.
	r, err := x.g.openDNS(ctx, c, rep)
	if r == nil {
		return "", fmt.Errorf("reach the cluster DNS: %w", err)
	}
	if ctx.Err() != nil {
		// Cancelled while waiting for DNS: that is not a DNS problem.
		_ = r.Close()
		return "", fmt.Errorf("wait for the cluster DNS: %w", ctx.Err())
	}
	if err != nil {
		log.Printf("cluster DNS not ready at connect: %v", err)
	}
	x.provider, x.cluster, x.resolver = p, c, r
	log.Printf("connected to the %s (kubeconfig %s, DNS %q)", x.describe(), c.Kubeconfig, c.DNSAddr)
	return x.describe(), nil
}

// clusterName names a cluster for the player: "sim cluster k8squest-sim".
func clusterName(c *cluster.Cluster) string {
	return fmt.Sprintf("%s cluster %s", c.Provider, c.Name)
}

// describe names the connected cluster, and why it was chosen when the
// player did not choose.
func (x *game) describe() string {
	d := clusterName(x.cluster)
	if x.chosen != "" {
		d += " (" + x.chosen + ")"
	}
	return d
}

// Open implements ui.Backend.
func (x *game) Open(ctx context.Context, l *levels.Level) (ui.Session, error) {
	l, err := x.bind(ctx, l)
	if err != nil {
		return nil, err
	}
	return x.session(l)
}

func (x *game) session(l *levels.Level) (*session, error) {
	if x.cluster == nil {
		return nil, fmt.Errorf("open level %d: not connected to a cluster", l.ID)
	}
	spec, err := l.Spec(l.Namespace)
	if err != nil {
		return nil, fmt.Errorf("level %d: %w", l.ID, err)
	}
	s, err := play.New(x.cluster, spec, x.resolver)
	if err != nil {
		return nil, err
	}
	return &session{Session: s, level: l}, nil
}

// Complete implements ui.Backend.
func (x *game) Complete(l *levels.Level, o score.Outcome, notes *fieldnotes.Notes) (score.Breakdown, prog.Award, prog.State, error) {
	b := score.Score(o)
	a, st, _, err := x.store.Complete(prog.Completion{
		Level: l.ID, XP: b.Total, Seconds: o.Seconds,
		HintsUsed: len(o.HintCosts), Solution: o.SolutionOpened, Notes: notes,
	})
	return b, a, st, err
}

// Started implements ui.Backend.
func (x *game) Started(l *levels.Level) error {
	_, _, err := x.store.Start(l.ID)
	return err
}

// Shell implements ui.Backend: the player's shell, its KUBECONFIG the
// player's own, defaulting to the level's namespace. It is only ever built
// with a player kubeconfig: never one that falls back to the user's own.
func (x *game) Shell(l *levels.Level, kubeconfig string) *exec.Cmd {
	sh := os.Getenv("SHELL")
	if sh == "" {
		sh = "/bin/sh"
	}
	cmd := exec.Command(sh)
	cmd.Env = append(withoutEnv(os.Environ(), "KUBECONFIG"), "KUBECONFIG="+kubeconfig, "K8SQUEST_NAMESPACE="+l.Namespace)
	return cmd
}

// withoutEnv returns env without the variable named name.
func withoutEnv(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// close releases the DNS resolver.
func (x *game) close() {
	if x.resolver != nil {
		_ = x.resolver.Close()
	}
}

// session adapts play.Session to ui.Session.
type session struct {
	*play.Session
	level *levels.Level
}

// HasDrill implements ui.Session.
func (s *session) HasDrill() (bool, string) {
	if d := s.Spec().Drill; d != nil {
		return true, d.Title
	}
	return false, ""
}
