package game

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
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

// KubeletPods is the kubelet's default pod limit per node, which a
// classroom's kind cluster never goes below.
const KubeletPods = 110

// ClusterPods is the room a classroom leaves for the cluster's own pods:
// on kind the control plane's four, kube-proxy, the CNI, CoreDNS's two and
// the storage provisioner, and one to spare.
const ClusterPods = 10

// ClassroomMaxPods is the kubelet pod limit a new kind cluster needs for
// learners on the largest of the offered levels: each learner's level
// pods, shell pod and spare, plus ClusterPods, and never below
// KubeletPods. Errors name --learners.
func (x *Game) ClassroomMaxPods(offered []int, learners int) (int, error) {
	if learners < 1 {
		return 0, fmt.Errorf("--learners %d: want at least 1 learner", learners)
	}
	d, err := x.demandOf(offered, true)
	if err != nil {
		return 0, err
	}
	pods := max(d.Slots(learners, ClusterPods), KubeletPods)
	if pods > kindcluster.MaxNodePods {
		return 0, fmt.Errorf("--learners %d: %d pods (%d per learner on level %d) is more than one kind node takes (%d)",
			learners, pods, d.PerLearner(), d.Level, kindcluster.MaxNodePods)
	}
	return pods, nil
}

// Capacity says how many learners the connected cluster holds when each
// may play any of the offered levels: the largest one's pods, and a shell
// pod on a cluster that runs real pods. learnerNS tells a learner's
// namespace from the cluster's own. wanted is how many learners the
// workshop is for (0: not said); when fewer fit, the plan says so and how
// to make room. On sim it first raises the node's pod capacity to what
// wanted learners need, and to at least sim.NodePods
// (sim.EnsureNodePods).
func (x *Game) Capacity(ctx context.Context, offered []int, wanted int, learnerNS func(string) bool) (classroom.Plan, error) {
	c, _ := x.connection()
	cs, err := x.clientset()
	if err != nil {
		return classroom.Plan{}, err
	}
	d, err := x.demand(offered, c)
	if err != nil {
		return classroom.Plan{}, err
	}
	simPods := simNodePods(d, wanted)
	if c.Provider == sim.Name {
		if err := sim.EnsureNodePods(ctx, cs, simPods); err != nil {
			return classroom.Plan{}, fmt.Errorf("raise the sim node's pod capacity: %w", err)
		}
	}
	room, err := classroom.ReadRoom(ctx, cs, learnerNS)
	if err != nil {
		return classroom.Plan{}, err
	}
	p, err := classroom.Fit(room, d)
	if err != nil {
		return p, err
	}
	p.Wanted, p.Remedy = wanted, remedy(c.Provider, wanted, d.Slots(wanted, ClusterPods), simPods, len(p.Ranged) > 0)
	return p, nil
}

// simNodePods is the pod capacity the sim node needs for wanted learners
// of demand d, and never below sim.NodePods. The sim runs no pods of its
// own (its control plane and CoreDNS are processes on the host), so 50
// learners on World 3's largest level (5 pods each) fit the 256.
func simNodePods(d classroom.Demand, wanted int) int {
	return max(sim.NodePods, d.Slots(wanted, 0))
}

// remedy says how to make room for wanted learners on provider's cluster,
// which needs slots pod slots (simPods on the sim node); ranged says a
// node's pod range holds fewer pods than its kubelet takes.
func remedy(provider string, wanted, slots, simPods int, ranged bool) string {
	switch {
	case provider == kindcluster.Name && ranged:
		return "a kind node whose image keeps a /24 pod range holds 253 pods on the pod network whatever maxPods says: " +
			"between workshops, add worker nodes to the kind config in $K8SQUEST_KIND_CONFIG, run `k8squest cluster down --provider kind` and serve again"
	case provider == kindcluster.Name:
		return fmt.Sprintf("a kind cluster keeps the pod limit it was created with: between workshops, run "+
			"`k8squest cluster down --provider kind` and serve again with --learners %d, which creates it with maxPods %d",
			wanted, max(slots, KubeletPods))
	case provider == sim.Name:
		return fmt.Sprintf("the sim node takes %d pods; other pods on the cluster take the rest", simPods)
	default:
		return "add nodes, or raise the nodes' pod limit (kubelet maxPods)"
	}
}

// demand is the pods one learner needs on the largest of the offered levels.
func (x *Game) demand(offered []int, c *cluster.Cluster) (classroom.Demand, error) {
	return x.demandOf(offered, c.Provider != sim.Name)
}

// demandOf is demand on a cluster that runs real pods (a shell pod each)
// or not.
func (x *Game) demandOf(offered []int, shellPod bool) (classroom.Demand, error) {
	d := classroom.Demand{ShellPod: shellPod, Spare: 1}
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
