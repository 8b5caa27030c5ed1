package main

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/levels"
)

// bind gives level l the player's own node ports on the connected cluster,
// in its texts, manifests and checks (levels.BindNodePorts).
func (x *game) bind(ctx context.Context, l *levels.Level) (*levels.Level, error) {
	if x.cluster == nil || !l.Protections.NodePorts {
		return l, nil
	}
	cs, err := kubernetes.NewForConfig(x.cluster.REST)
	if err != nil {
		return nil, fmt.Errorf("connect to the cluster: %w", err)
	}
	return l.BindNodePorts(ctx, cs)
}

// Level is the level as this session plays it, node ports bound; the
// briefing shows its texts.
func (s *session) Level() *levels.Level { return s.level }
