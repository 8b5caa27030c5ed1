package main

import (
	"context"

	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/levels/game"
	"github.com/k8squest/k8squest/ui"
)

// backend is the game as the TUI sees it. Only Open differs: the game
// package cannot name ui.Session (it never imports ui), so its Open returns
// the concrete *game.Session, which this wraps.
type backend struct{ *game.Game }

var (
	_ ui.Backend = backend{}
	_ ui.Session = (*game.Session)(nil)
)

// Open implements ui.Backend.
func (b backend) Open(ctx context.Context, l *levels.Level) (ui.Session, error) {
	s, err := b.Game.Open(ctx, l)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// options are the game's options the flags give.
func (g *globals) options() game.Options {
	return game.Options{
		Provider:   g.provider,
		Namespace:  g.namespace,
		Kubeconfig: g.kubeconfig,
		Context:    g.context,
		DNSServer:  g.dnsServer,
		Recreate:   g.recreate,
		Notices:    g.stderr,

		AllowUnprotected: g.allowUnprotected,
	}
}

// newGame builds the game the flags describe.
func newGame(g *globals) (*game.Game, error) {
	return game.New(g.options())
}

// signIn runs the current provider's sign-in with its steps printed on
// stderr, before the game's screen owns the terminal.
func signIn(ctx context.Context, g *globals, x *game.Game) error {
	if !x.NeedsSignIn() {
		return nil
	}
	prog := newStepPrinter(g.stderr)
	defer prog.stop()
	return x.SignIn(ctx, prog.report)
}
