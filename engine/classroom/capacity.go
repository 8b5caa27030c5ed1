package classroom

import (
	"errors"
	"fmt"
	"strings"
)

// ErrFull is what a join beyond the cluster's capacity fails with.
var ErrFull = errors.New("the workshop is full")

// NodeRoom is one node's room for pods.
type NodeRoom struct {
	Name string
	// Allocatable is the node's allocatable pods (the kubelet's maxPods).
	Allocatable int
	// Used counts the pods on it that are not finished.
	Used int
	// Usable is false for a node that takes no new pods; Why says why
	// ("not Ready", "cordoned", "tainted K=V:NoSchedule").
	Usable bool
	Why    string
	// Range, when set, says that the node's pod range holds fewer pods
	// than its kubelet takes, so Allocatable is what the range holds (with
	// the pods on the host's network, which take no address).
	Range string
}

// Room is the cluster's room for pods, read by ReadRoom.
type Room struct {
	Nodes []NodeRoom
	// Pending counts unfinished pods not yet on a node: they will take a
	// slot when one frees.
	Pending int
	// LearnerPods counts the pods in learners' namespaces; they are in
	// Used and Pending too, and Fit gives them back, since the learners
	// who own them are counted by the join check instead.
	LearnerPods int
}

// Demand is what one learner needs.
type Demand struct {
	// Level is the largest offered level, for messages; LevelPods its pods
	// (CountPods of its broken state).
	Level, LevelPods int
	// ShellPod is true on clusters that run real pods, where each learner's
	// `s` opens a shell in a pod of their namespace.
	ShellPod bool
	// Spare is room per learner for a pod of their own (the debrief's
	// `kubectl run`), or a drill's replacement while the old pod stops.
	Spare int
}

// PerLearner is the pod slots one learner takes.
func (d Demand) PerLearner() int {
	n := d.LevelPods + d.Spare
	if d.ShellPod {
		n++
	}
	return n
}

// describe says what PerLearner is made of.
func (d Demand) describe() string {
	parts := []string{fmt.Sprintf("level %d's %d", d.Level, d.LevelPods)}
	if d.ShellPod {
		parts = append(parts, "a shell pod")
	}
	if d.Spare > 0 {
		parts = append(parts, fmt.Sprintf("%d spare", d.Spare))
	}
	return strings.Join(parts, ", ")
}

// Plan is how many learners the cluster holds.
type Plan struct {
	// Learners is how many fit.
	Learners int
	Demand   Demand
	// Nodes counts the usable nodes; Slots is their allocatable pods, Free
	// what is left of it for learners.
	Nodes, Slots, Free int
	// Unusable lists the nodes that take no pods, with why.
	Unusable []string
	// Ranged lists the nodes whose pod range holds fewer pods than their
	// kubelet takes, with the range.
	Ranged []string
	// Wanted is how many learners the workshop was sized for (serve's
	// --learners); 0 when it was not asked. Remedy says how to make room
	// when fewer fit, for the cluster's provider.
	Wanted int
	Remedy string
}

// Fit says how many learners room holds for demand d.
func Fit(room Room, d Demand) (Plan, error) {
	if d.LevelPods < 0 || d.Spare < 0 || d.PerLearner() <= 0 {
		return Plan{}, fmt.Errorf("classroom capacity: level %d needs %d pods per learner: want at least 1", d.Level, d.PerLearner())
	}
	p := Plan{Demand: d}
	for _, n := range room.Nodes {
		if !n.Usable {
			p.Unusable = append(p.Unusable, n.Name+" ("+n.Why+")")
			continue
		}
		p.Nodes++
		if n.Range != "" {
			p.Ranged = append(p.Ranged, n.Name+" ("+n.Range+")")
		}
		p.Slots += n.Allocatable
		p.Free += max(n.Allocatable-n.Used, 0)
	}
	p.Free = max(p.Free-room.Pending+room.LearnerPods, 0)
	p.Free = min(p.Free, p.Slots)
	p.Learners = p.Free / d.PerLearner()
	return p, nil
}

// String says, for `classroom serve`, how many learners the cluster holds.
func (p Plan) String() string {
	s := fmt.Sprintf("the cluster holds %d learners on level %d: %d node(s), %d pod slots, %d free for learners, %d pods per learner (%s)",
		p.Learners, p.Demand.Level, p.Nodes, p.Slots, p.Free, p.Demand.PerLearner(), p.Demand.describe())
	if len(p.Unusable) > 0 {
		s += "; not taking pods: " + strings.Join(p.Unusable, ", ")
	}
	if len(p.Ranged) > 0 {
		s += "; limited by the pod range: " + strings.Join(p.Ranged, ", ")
	}
	if short := p.Short(p.Wanted); p.Learners < p.Wanted {
		s += fmt.Sprintf("; that is fewer than the %d learners asked for (--learners %d): %d pod slots short",
			p.Wanted, p.Wanted, short)
		if p.Remedy != "" {
			s += "; " + p.Remedy
		}
	}
	return s
}

// Short is how many more pod slots `want` learners need than the cluster
// has free; zero when they fit.
func (p Plan) Short(want int) int {
	return max(want*p.Demand.PerLearner()-p.Free, 0)
}

// Admit is the join check: it refuses the learner who would be number
// joined+1 when the cluster holds no more, with an error wrapping ErrFull
// that says why and what the instructor can do.
func (p Plan) Admit(joined int) error {
	if joined < p.Learners {
		return nil
	}
	return fmt.Errorf("%w: the cluster holds %d learners on level %d (%d pods each) and %d have joined; "+
		"the instructor can add nodes or raise the nodes' pod limit (kubelet maxPods) and restart the workshop",
		ErrFull, p.Learners, p.Demand.Level, p.Demand.PerLearner(), joined)
}

// Slots is the pod slots a cluster needs for learners, plus base for the
// cluster's own pods (CoreDNS, the control plane on kind): the number to
// give kindcluster.CreateOptions.MaxPods for a one-node cluster.
func (d Demand) Slots(learners, base int) int {
	return learners*d.PerLearner() + base
}
