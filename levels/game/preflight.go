package game

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/currentcluster"
	"github.com/k8squest/k8squest/engine/providers"
	"github.com/k8squest/k8squest/levels"
)

// PreflightStep is the step the current provider's access check shows.
const PreflightStep = "check what your identity may do on this cluster"

// preflight asks, on the current provider and before anything is created,
// whether the player's own identity may set levels up (setsUp: the command
// will create a level's objects), and stops with one message naming
// everything it may not do. Rights only the DNS checks need are a warning,
// and so are the protections, unless the game is shared (see
// checkProtections). On a cluster the game made it does nothing: its
// identity is the admin.
func (x *Game) preflight(ctx context.Context, c *cluster.Cluster, rep cluster.Reporter, setsUp bool) error {
	if c.Provider != currentcluster.Name || !setsUp {
		return nil
	}
	ns := x.opts.Namespace
	if ns == "" {
		ns = levels.DefaultNamespace
	}
	rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepStarted})
	start := time.Now()
	acc, err := currentcluster.Preflight(ctx, c, ns)
	switch {
	case errors.Is(err, currentcluster.ErrMissingAccess):
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepFailed, Detail: "your identity lacks rights the game needs"})
		return err
	case err != nil && ctx.Err() != nil:
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepFailed, Detail: err.Error()})
		return err
	case err != nil:
		// The check is a courtesy: when the server will not answer it, the
		// game goes on and reports the API server's own refusals.
		log.Printf("preflight: %v", err)
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepInfo, Detail: "could not check beforehand: " + err.Error()})
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepDone})
		return nil
	}
	for _, w := range acc.WarningLines() {
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepInfo, Detail: w})
	}
	warning, err := x.checkProtections(acc)
	if err != nil {
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepFailed, Detail: "a shared game needs protections your identity cannot create"})
		return err
	}
	if warning != "" {
		log.Print(warning)
		rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepInfo, Detail: warning})
	}
	log.Printf("preflight: %d access reviews in %s, %d warnings", acc.Asked, time.Since(start).Round(time.Millisecond), len(acc.Warnings))
	rep.Report(cluster.Event{Step: PreflightStep, State: cluster.StepDone})
	return nil
}

// SignIn gets the current provider's first credential before the game's
// screen owns the terminal: a credential plugin (EKS, GKE) may be slow,
// and its steps go to rep, which a CLI prints as plain lines. Other
// providers need none, and nothing is reported.
func (x *Game) SignIn(ctx context.Context, rep cluster.Reporter) error {
	// Only an explicit choice picks the current provider; asking
	// ProviderFor otherwise would probe Docker once more.
	if !x.NeedsSignIn() {
		return nil
	}
	p, _, err := ProviderFor(x.opts, rep)
	if err != nil {
		return err
	}
	cp, ok := p.(*currentcluster.Provider)
	if !ok {
		return nil
	}
	if err := cp.SignIn(ctx); err != nil {
		return fmt.Errorf("%s cluster: %w", cp.Name(), err)
	}
	return nil
}

// NeedsSignIn says whether SignIn has anything to do: the player chose the
// current provider, whose credential plugin may be slow.
func (x *Game) NeedsSignIn() bool {
	name := x.opts.Provider
	if name == "" {
		name = os.Getenv(providers.EnvProvider)
	}
	return strings.EqualFold(strings.TrimSpace(name), currentcluster.Name)
}
