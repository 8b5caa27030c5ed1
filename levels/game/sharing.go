package game

import (
	"errors"
	"fmt"
	"strings"

	"github.com/k8squest/k8squest/engine/currentcluster"
)

// ErrUnprotected says that a game shared by several players would run on a
// current cluster without the protections that keep each player to their
// own namespaces.
var ErrUnprotected = errors.New("k8squest will not share this cluster between players without its protections")

// AllowUnprotectedFlag is the flag that sets Options.AllowUnprotected.
const AllowUnprotectedFlag = "--allow-unprotected"

// shared says why the game counts as shared by several players ("" when it
// does not): it was built for a classroom (Options.Shared), or it plays in
// a namespace that is no level's own, which is how an instructor gives each
// learner a namespace with -n.
func (x *Game) shared() string {
	switch ns := x.opts.Namespace; {
	case x.opts.Shared:
		return "it is a classroom game, shared by several players"
	case ns != "" && !x.own[ns]:
		return fmt.Sprintf("it plays in namespace %s (-n), not in the levels' own, which is how several players share one cluster", ns)
	}
	return ""
}

// checkProtections decides, on a current cluster whose preflight found
// acc, whether a shared game may go on: with every protection in place it
// may; without one it is refused (an error wrapping ErrUnprotected, naming
// each missing protection and the flag), unless Options.AllowUnprotected,
// when the returned warning says loudly what is missing.
func (x *Game) checkProtections(acc *currentcluster.Access) (warning string, err error) {
	why := x.shared()
	if why == "" || len(acc.Unprotected) == 0 {
		return "", nil
	}
	missing := strings.Join(acc.Unprotected, "; ")
	if !x.opts.AllowUnprotected {
		return "", fmt.Errorf("%w: %s cannot put these protections in place: %s. The game counts as shared because %s, and without them "+
			"one player can fill the cluster or reach the others' work. Ask the cluster's administrator for these rights, or pass %s to play without them",
			ErrUnprotected, acc.Who(), missing, why, AllowUnprotectedFlag)
	}
	return fmt.Sprintf("WARNING: UNPROTECTED SHARED GAME (%s): %s cannot put these protections in place: %s. "+
		"Any player on this cluster can fill it or reach the others' work", AllowUnprotectedFlag, acc.Who(), missing), nil
}
