package main

import (
	"context"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Recreate implements ui.Backend: Connect as if --recreate were given, so a
// kind cluster that stays unhealthy is deleted and created again. The
// player chose it on the boot screen; later connects ask again.
func (x *game) Recreate(ctx context.Context, rep cluster.Reporter) (string, error) {
	old := x.g.recreate
	x.g.recreate = true
	defer func() { x.g.recreate = old }()
	return x.Connect(ctx, rep)
}
