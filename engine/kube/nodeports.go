package kube

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Node ports are unique cluster-wide, so on a cluster several players share
// each gets a block of them. A block is claimed by creating a Lease named
// after it in PlayersNamespace: the API server creates a name once, so of two
// players who want the same block at the same moment one gets it and the
// other an AlreadyExists and tries the next block. A claim whose player's
// namespace is gone can be taken over, with an update the API server refuses
// (Conflict) when someone else took it over first. The block is then written
// on the player's namespaces as AnnotationNodePortMin and -Max, which the
// game's admission policy reads.
const (
	// NodePortBlockSize is how many node ports each player gets: the node
	// ports the level quota allows (DefaultQuota's services.nodeports).
	NodePortBlockSize = 4
	// NodePortsFirst and NodePortsLast bound the API server's default
	// node-port range (--service-node-port-range 30000-32767).
	NodePortsFirst int32 = 30000
	NodePortsLast  int32 = 32767

	// LabelNodePortClaim marks the Leases that claim a block of node ports.
	LabelNodePortClaim  = "k8squest.dev/node-port-claim"
	nodePortClaimPrefix = "node-ports-"
	// claimGrace keeps a claim whose namespace is missing for a while: the
	// namespace is created only when the level is set up, after the claim,
	// and a player who tore a level down keeps their port for a return.
	claimGrace = time.Hour
)

// ErrNoFreeNodePorts says every block of node ports is held.
var ErrNoFreeNodePorts = errors.New("no block of node ports is free on this cluster")

// NodePortRequest asks for the block of node ports of one player.
type NodePortRequest struct {
	// Namespace is the player's main namespace; the claim is recorded
	// under it.
	Namespace string
	// Namespaces are all of the player's namespaces, the main one among
	// them: node ports their own Services hold do not count as taken.
	Namespaces []string
	// Want is a port to have in the block if it is free, such as the port a
	// level's briefing gives a player on its default namespace; 0 for none.
	Want int32
	// Spare is a port to leave to the player it was written for (a level's
	// default port, asked for by a player elsewhere): its block is tried
	// last. 0 for none.
	Spare int32
}

// NodePortAllocator hands out blocks of node ports, one per player, with the
// API server as the arbiter between players who ask at the same time.
type NodePortAllocator struct {
	cs kubernetes.Interface
	// now is the clock, for claims' times.
	now func() time.Time
}

// NewNodePortAllocator returns an allocator working on cs.
func NewNodePortAllocator(cs kubernetes.Interface) *NodePortAllocator {
	return &NodePortAllocator{cs: cs, now: time.Now}
}

// Assign returns the player's block: the one they already hold (so it stays
// the same across resets and runs), or a newly claimed free one. A block is
// free when no other player claims it and no Service outside the player's
// namespaces holds one of its ports. When Want is set and the player holds
// a block without it, the block with Want is claimed instead if it is free,
// and the old one released.
func (a *NodePortAllocator) Assign(ctx context.Context, req NodePortRequest) (PortRange, error) {
	if err := EnsureNamespace(ctx, a.cs, PlayersNamespace, 0); err != nil {
		return PortRange{}, err
	}
	claims, err := a.claims(ctx)
	if err != nil {
		return PortRange{}, err
	}
	mine := claims.heldBy(req.Namespace)
	try := candidates(req)
	if len(mine) > 0 {
		if !req.wants() || slices.Contains(mine, blockOf(req.Want)) {
			return blockRange(slices.Min(mine)), nil
		}
		// Move only to the wanted block.
		try = try[:1]
	}
	taken, err := a.portsInUse(ctx, req.Namespaces)
	if err != nil {
		return PortRange{}, err
	}
	for _, b := range try {
		if taken.overlaps(b) {
			continue
		}
		ok, err := a.claim(ctx, claims, b, req.Namespace)
		if err != nil {
			return PortRange{}, err
		}
		if ok {
			a.release(ctx, claims, mine)
			return blockRange(b), nil
		}
	}
	if len(mine) > 0 {
		return blockRange(slices.Min(mine)), nil
	}
	return PortRange{}, fmt.Errorf("claim node ports for namespace %s: %w", req.Namespace, ErrNoFreeNodePorts)
}

// wants reports whether Want names a port of the node-port range.
func (r NodePortRequest) wants() bool {
	return r.Want >= NodePortsFirst && blockOf(r.Want)+NodePortBlockSize-1 <= NodePortsLast
}

// claimSet maps a block's first port to the Lease that claims it.
type claimSet map[int32]*coordv1.Lease

// heldBy returns the blocks ns holds.
func (c claimSet) heldBy(ns string) []int32 {
	var out []int32
	for b, l := range c {
		if holder(l) == ns {
			out = append(out, b)
		}
	}
	return out
}

func holder(l *coordv1.Lease) string {
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// claims lists the Leases that claim blocks.
func (a *NodePortAllocator) claims(ctx context.Context) (claimSet, error) {
	list, err := a.cs.CoordinationV1().Leases(PlayersNamespace).List(ctx, metav1.ListOptions{LabelSelector: LabelNodePortClaim + "=true"})
	if err != nil {
		return nil, fmt.Errorf("list the node-port claims in namespace %s: %w", PlayersNamespace, err)
	}
	out := claimSet{}
	for i := range list.Items {
		l := &list.Items[i]
		first, err := strconv.ParseInt(strings.TrimPrefix(l.Name, nodePortClaimPrefix), 10, 32)
		if err != nil || int32(first) < NodePortsFirst || int32(first) != blockOf(int32(first)) {
			continue
		}
		out[int32(first)] = l
	}
	return out, nil
}

// claim tries to claim block b for ns, and reports whether it now holds it.
func (a *NodePortAllocator) claim(ctx context.Context, claims claimSet, b int32, ns string) (bool, error) {
	leases := a.cs.CoordinationV1().Leases(PlayersNamespace)
	if cur, ok := claims[b]; ok {
		return a.takeOver(ctx, cur, ns)
	}
	now := metav1.NewMicroTime(a.now())
	l := &coordv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: claimName(b), Namespace: PlayersNamespace, Labels: map[string]string{LabelManagedBy: FieldManager, LabelNodePortClaim: "true"}},
		Spec:       coordv1.LeaseSpec{HolderIdentity: &ns, AcquireTime: &now, RenewTime: &now},
	}
	_, err := leases.Create(ctx, l, metav1.CreateOptions{FieldManager: FieldManager})
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsAlreadyExists(err):
		// Someone claimed it since the list: the same player in another
		// process keeps it, anyone else has it.
		cur, err := leases.Get(ctx, l.Name, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("read the node-port claim %s: %w", l.Name, err)
		}
		return holder(cur) == ns, nil
	}
	return false, fmt.Errorf("claim node ports %s: %w", l.Name, err)
}

// takeOver takes a claim whose player's namespace has been gone for longer
// than claimGrace. The update carries the claim's resourceVersion, so when
// two players take the same claim over at once the API server lets one
// through and refuses the other with a Conflict.
func (a *NodePortAllocator) takeOver(ctx context.Context, cur *coordv1.Lease, ns string) (bool, error) {
	if cur.Spec.RenewTime != nil && a.now().Sub(cur.Spec.RenewTime.Time) < claimGrace {
		return false, nil
	}
	if h := holder(cur); h != "" {
		_, err := a.cs.CoreV1().Namespaces().Get(ctx, h, metav1.GetOptions{})
		if err == nil {
			return false, nil
		}
		if !apierrors.IsNotFound(err) {
			return false, fmt.Errorf("read namespace %s: %w", h, err)
		}
	}
	l := cur.DeepCopy()
	now := metav1.NewMicroTime(a.now())
	l.Spec.HolderIdentity, l.Spec.AcquireTime, l.Spec.RenewTime = &ns, &now, &now
	_, err := a.cs.CoordinationV1().Leases(PlayersNamespace).Update(ctx, l, metav1.UpdateOptions{FieldManager: FieldManager})
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsConflict(err), apierrors.IsNotFound(err):
		return false, nil
	}
	return false, fmt.Errorf("take over the node-port claim %s: %w", l.Name, err)
}

// release gives back the blocks in old, each only if it is unchanged since
// it was listed. A failure leaves the claim for a takeover later.
func (a *NodePortAllocator) release(ctx context.Context, claims claimSet, old []int32) {
	for _, b := range old {
		l := claims[b]
		pre := metav1.Preconditions{UID: &l.UID, ResourceVersion: &l.ResourceVersion}
		_ = a.cs.CoordinationV1().Leases(PlayersNamespace).Delete(ctx, l.Name, metav1.DeleteOptions{Preconditions: &pre})
	}
}

// portSet holds node ports.
type portSet map[int32]bool

// overlaps reports whether a port of block b is in the set.
func (s portSet) overlaps(b int32) bool {
	for p := b; p < b+NodePortBlockSize; p++ {
		if s[p] {
			return true
		}
	}
	return false
}

// portsInUse returns the node ports Services outside mine hold.
func (a *NodePortAllocator) portsInUse(ctx context.Context, mine []string) (portSet, error) {
	svcs, err := a.cs.CoreV1().Services("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list the node ports in use: %w", err)
	}
	out := portSet{}
	for _, s := range svcs.Items {
		if slices.Contains(mine, s.Namespace) {
			continue
		}
		for _, p := range s.Spec.Ports {
			if p.NodePort != 0 {
				out[p.NodePort] = true
			}
		}
	}
	return out, nil
}

// candidates are the blocks to try, in order: the one holding Want, then
// the blocks of the API server's static band, then the others, and the one
// holding Spare last. The static
// band is the bottom of the range, which the API server leaves to Services
// that ask for a port by number: a Service that asks for none gets a port
// above it while any is free (KEP-3668), so it rarely takes a player's
// port there. Within each part the order starts at a block that depends on
// the namespace's name, so that two players rarely try the same block first
// and a player who comes back tends to get the same block again.
func candidates(req NodePortRequest) []int32 {
	n := (NodePortsLast - NodePortsFirst + 1) / NodePortBlockSize
	static := staticBandSize(NodePortsLast-NodePortsFirst+1) / NodePortBlockSize
	h := fnv.New32a()
	_, _ = h.Write([]byte(req.Namespace))
	sum := h.Sum32()
	var out []int32
	if req.wants() {
		out = append(out, blockOf(req.Want))
	}
	add := func(from, count int32) {
		start := int32(sum % uint32(count))
		for i := range count {
			b := NodePortsFirst + (from+(start+i)%count)*NodePortBlockSize
			if !req.wants() || b != out[0] {
				out = append(out, b)
			}
		}
	}
	add(0, static)
	add(static, n-static)
	if req.Spare >= NodePortsFirst && req.Spare <= NodePortsLast {
		spare := blockOf(req.Spare)
		if i := slices.Index(out, spare); i > 0 || i == 0 && !req.wants() {
			out = append(slices.Delete(out, i, i+1), spare)
		}
	}
	return out
}

// staticBandSize is how many ports at the bottom of a node-port range of
// size ports the API server keeps for Services that name their port: a
// 32nd of the range, at least 16 and at most 128 (the API server's
// portallocator, calculateRangeOffset).
func staticBandSize(size int32) int32 {
	const least, most, step = 16, 128, 32
	if size <= least {
		return 0
	}
	return min(max(size/step, least), most)
}

// ReleaseNodePorts gives back the blocks the player of namespace ns holds,
// when the level is torn down: the player asks again next time, and gets
// the same block while it stays free.
func ReleaseNodePorts(ctx context.Context, cs kubernetes.Interface, ns string) error {
	a := NewNodePortAllocator(cs)
	claims, err := a.claims(ctx)
	if err != nil {
		return err
	}
	for _, b := range claims.heldBy(ns) {
		l := claims[b]
		pre := metav1.Preconditions{UID: &l.UID, ResourceVersion: &l.ResourceVersion}
		err := cs.CoordinationV1().Leases(PlayersNamespace).Delete(ctx, l.Name, metav1.DeleteOptions{Preconditions: &pre})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("release the node-port claim %s: %w", l.Name, err)
		}
	}
	return nil
}

// blockOf returns the first port of the block holding port p.
func blockOf(p int32) int32 {
	return NodePortsFirst + (p-NodePortsFirst)/NodePortBlockSize*NodePortBlockSize
}

func blockRange(b int32) PortRange { return PortRange{Min: b, Max: b + NodePortBlockSize - 1} }

func claimName(b int32) string { return nodePortClaimPrefix + strconv.Itoa(int(b)) }
