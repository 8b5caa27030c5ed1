package main

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

// preflightStep is the step the current provider's access check shows.
const preflightStep = "check what your identity may do on this cluster"

// preflight asks, on the current provider and before anything is created,
// whether the player's own identity may set levels up (setsUp: the command
// will create a level's objects), and stops with one message naming
// everything it may not do. Rights only the DNS checks need are a warning.
// On a cluster the game made it does nothing: its identity is the admin.
func (x *game) preflight(ctx context.Context, c *cluster.Cluster, rep cluster.Reporter, setsUp bool) error {
	if c.Provider != currentcluster.Name || !setsUp {
		return nil
	}
	ns := x.g.namespace
	if ns == "" {
		ns = levels.DefaultNamespace
	}
	rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepStarted})
	start := time.Now()
	acc, err := currentcluster.Preflight(ctx, c, ns)
	switch {
	case errors.Is(err, currentcluster.ErrMissingAccess):
		rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepFailed, Detail: "your identity lacks rights the game needs"})
		return err
	case err != nil && ctx.Err() != nil:
		rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepFailed, Detail: err.Error()})
		return err
	case err != nil:
		// The check is a courtesy: when the server will not answer it, the
		// game goes on and reports the API server's own refusals.
		log.Printf("preflight: %v", err)
		rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepInfo, Detail: "could not check beforehand: " + err.Error()})
		rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepDone})
		return nil
	}
	for _, w := range acc.WarningLines() {
		rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepInfo, Detail: w})
	}
	log.Printf("preflight: %d access reviews in %s, %d warnings", acc.Asked, time.Since(start).Round(time.Millisecond), len(acc.Warnings))
	rep.Report(cluster.Event{Step: preflightStep, State: cluster.StepDone})
	return nil
}

// signIn gets the current provider's first credential before the game's
// screen owns the terminal: a credential plugin (EKS, GKE) may be slow,
// and its steps are printed as plain lines here. Other providers need none.
func (x *game) signIn(ctx context.Context) error {
	name := x.g.provider
	if name == "" {
		name = os.Getenv(providers.EnvProvider)
	}
	// Only an explicit choice picks the current provider; asking
	// providerFor otherwise would probe Docker once more.
	if !strings.EqualFold(strings.TrimSpace(name), currentcluster.Name) {
		return nil
	}
	prog := newStepPrinter(x.g.stderr)
	defer prog.stop()
	p, _, err := x.g.providerFor(prog.report)
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
