package game

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/levels"
)

// Bind gives level l the player's own node ports on the connected cluster,
// in its texts, manifests and checks (levels.BindNodePorts). A level
// without node ports, or a game not connected yet, gets l back as it is.
func (x *Game) Bind(ctx context.Context, l *levels.Level) (*levels.Level, error) {
	c, _ := x.connection()
	if c == nil || !l.Protections.NodePorts {
		return l, nil
	}
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("level %d: node ports: connect to the cluster: %w", l.ID, err)
	}
	return l.BindNodePorts(ctx, cs)
}

// Level is the level as this session plays it, node ports bound; the
// briefing shows its texts.
func (s *Session) Level() *levels.Level { return s.level }
