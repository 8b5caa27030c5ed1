package game

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/sim"
	"github.com/k8squest/k8squest/levels"
)

// clientset is a client of the connected cluster.
func (x *Game) clientset() (kubernetes.Interface, error) {
	c, _ := x.connection()
	if c == nil {
		return nil, ErrNotConnected
	}
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("connect to the cluster: %w", err)
	}
	return cs, nil
}

// Capacity says how many learners the connected cluster holds when each
// may play any of the offered levels: the largest one's pods, and a shell
// pod on a cluster that runs real pods. learnerNS tells a learner's
// namespace from the cluster's own. On sim it first raises the node's
// pod capacity to what a workshop needs (sim.EnsureNodePods).
func (x *Game) Capacity(ctx context.Context, offered []int, learnerNS func(string) bool) (classroom.Plan, error) {
	c, _ := x.connection()
	cs, err := x.clientset()
	if err != nil {
		return classroom.Plan{}, err
	}
	if c.Provider == sim.Name {
		if err := sim.EnsureNodePods(ctx, cs, sim.NodePods); err != nil {
			return classroom.Plan{}, fmt.Errorf("raise the sim node's pod capacity: %w", err)
		}
	}
	d, err := x.demand(offered, c)
	if err != nil {
		return classroom.Plan{}, err
	}
	room, err := classroom.ReadRoom(ctx, cs, learnerNS)
	if err != nil {
		return classroom.Plan{}, err
	}
	return classroom.Fit(room, d)
}

// demand is the pods one learner needs on the largest of the offered levels.
func (x *Game) demand(offered []int, c *cluster.Cluster) (classroom.Demand, error) {
	d := classroom.Demand{ShellPod: c.Provider != sim.Name, Spare: 1}
	for _, id := range offered {
		l, err := x.Level(fmt.Sprint(id))
		if err != nil {
			return d, err
		}
		spec, err := l.Spec(l.Namespace)
		if err != nil {
			return d, fmt.Errorf("level %d: %w", id, err)
		}
		n, err := classroom.CountPods(spec.Objects)
		if err != nil {
			return d, fmt.Errorf("count the pods of level %d: %w", id, err)
		}
		if n > d.LevelPods || d.Level == 0 {
			d.Level, d.LevelPods = id, n
		}
	}
	return d, nil
}

// RemovePlayer tears down every level the player started (their
// namespaces) and removes their identity: the shell pod, the
// ServiceAccount, its cluster role bindings and node-port claims. It is the end of a
// workshop for one learner; rep reports the teardowns' steps.
func (x *Game) RemovePlayer(ctx context.Context, rep cluster.Reporter) error {
	st, err := x.Progress()
	if err != nil {
		return err
	}
	for id := range st.Levels {
		l, err := x.Level(fmt.Sprint(id))
		if err != nil {
			continue // a level this build no longer has made nothing
		}
		s, err := x.Open(ctx, l)
		if err != nil {
			return err
		}
		if err := s.Teardown(ctx, rep); err != nil {
			return fmt.Errorf("remove level %d of namespace %s: %w", id, l.Namespace, err)
		}
	}
	cs, err := x.clientset()
	if err != nil {
		return err
	}
	if err := kube.DeleteShellPod(ctx, cs, x.mainNamespace()); err != nil {
		return err
	}
	return kube.RemovePlayer(ctx, cs, x.mainNamespace())
}

// mainNamespace is the namespace the player's identity is named after.
func (x *Game) mainNamespace() string {
	if x.opts.Namespace != "" {
		return x.opts.Namespace
	}
	return levels.DefaultNamespace
}
