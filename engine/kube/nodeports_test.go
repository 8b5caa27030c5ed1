package kube

import (
	"context"
	"slices"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

var leasesResource = coordv1.SchemeGroupVersion.WithResource("leases")

func assign(t *testing.T, a *NodePortAllocator, ns string, want int32) PortRange {
	t.Helper()
	r, err := a.Assign(context.Background(), NodePortRequest{Namespace: ns, Namespaces: []string{ns}, Want: want})
	if err != nil {
		t.Fatalf("assign %s: %v", ns, err)
	}
	if r.Max-r.Min != NodePortBlockSize-1 || r.Min < NodePortsFirst || r.Max > NodePortsLast {
		t.Fatalf("assign %s: %v is not a block of the node-port range", ns, r)
	}
	return r
}

func claimOf(t *testing.T, cs kubernetes.Interface, r PortRange) string {
	t.Helper()
	l, err := cs.CoordinationV1().Leases(PlayersNamespace).Get(context.Background(), claimName(r.Min), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("claim of %v: %v", r, err)
	}
	return holder(l)
}

func nodePortService(ns string, port int32) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "holder", Namespace: ns},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 80, NodePort: port}}},
	}
}

func TestAssignGivesTheWantedPortAndKeepsIt(t *testing.T) {
	cs := fake.NewClientset()
	a := NewNodePortAllocator(cs)
	got := assign(t, a, "k8squest", 30080)
	if got != (PortRange{Min: 30080, Max: 30083}) {
		t.Fatalf("the default namespace got %v, want 30080-30083", got)
	}
	if again := assign(t, a, "k8squest", 30080); again != got {
		t.Fatalf("a second run got %v, the first %v", again, got)
	}
	if h := claimOf(t, cs, got); h != "k8squest" {
		t.Fatalf("claim held by %q", h)
	}
	// A level without a port of its own gets the same block.
	if other := assign(t, a, "k8squest", 0); other != got {
		t.Fatalf("without a wanted port: %v, want %v", other, got)
	}
}

func TestAssignGivesEachPlayerTheirOwnBlock(t *testing.T) {
	cs := fake.NewClientset()
	a := NewNodePortAllocator(cs)
	seen := map[PortRange]string{}
	for _, ns := range []string{"alice", "bob", "carol", "dave", "k8squest"} {
		r := assign(t, a, ns, 30080)
		if prev, dup := seen[r]; dup {
			t.Fatalf("%s and %s both got %v", prev, ns, r)
		}
		seen[r] = ns
	}
}

func TestAssignAvoidsPortsOthersHold(t *testing.T) {
	cs := fake.NewClientset(nodePortService("someone-else", 30081), nodePortService("k8squest", 30082))
	got := assign(t, NewNodePortAllocator(cs), "k8squest", 30080)
	if got.Min <= 30081 && 30081 <= got.Max {
		t.Fatalf("got %v, which holds 30081 of namespace someone-else", got)
	}
}

// Two players ask at the same moment: the other one's create of the block
// lands between this one's list and create.
func TestAssignLosesARaceAndTakesTheNextBlock(t *testing.T) {
	cs := fake.NewClientset()
	first := candidates(NodePortRequest{Namespace: "alice"})[0]
	raced := false
	cs.PrependReactor("create", "leases", func(act k8stesting.Action) (bool, runtime.Object, error) {
		l := act.(k8stesting.CreateAction).GetObject().(*coordv1.Lease)
		if raced || l.Name != claimName(first) {
			return false, nil, nil
		}
		raced = true
		rival := l.DeepCopy()
		bob := "bob"
		rival.Namespace, rival.Spec.HolderIdentity = PlayersNamespace, &bob
		if err := cs.Tracker().Add(rival); err != nil {
			t.Fatal(err)
		}
		return true, nil, apierrors.NewAlreadyExists(leasesResource.GroupResource(), l.Name)
	})
	got := assign(t, NewNodePortAllocator(cs), "alice", 0)
	if !raced || got.Min == first {
		t.Fatalf("raced %v; alice got %v, bob holds %d", raced, got, first)
	}
	if h := claimOf(t, cs, blockRange(first)); h != "bob" {
		t.Fatalf("the raced block is held by %q, want bob", h)
	}
}

// A claim whose namespace is long gone is taken over, unless another
// player's update gets there first: then the API server answers Conflict.
func TestAssignTakesOverStaleClaims(t *testing.T) {
	for _, conflict := range []bool{false, true} {
		cs := fake.NewClientset()
		a := NewNodePortAllocator(cs)
		first := candidates(NodePortRequest{Namespace: "alice"})[0]
		old := metav1.NewMicroTime(time.Now().Add(-2 * claimGrace))
		gone := "gone"
		stale := &coordv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: claimName(first), Namespace: PlayersNamespace, Labels: map[string]string{LabelNodePortClaim: "true"}},
			Spec:       coordv1.LeaseSpec{HolderIdentity: &gone, RenewTime: &old},
		}
		if err := cs.Tracker().Add(stale); err != nil {
			t.Fatal(err)
		}
		if conflict {
			cs.PrependReactor("update", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
				return true, nil, apierrors.NewConflict(leasesResource.GroupResource(), stale.Name, nil)
			})
		}
		got := assign(t, a, "alice", 0)
		if takenOver := got.Min == first; takenOver == conflict {
			t.Fatalf("conflict %v: alice got %v, the stale block is %d", conflict, got, first)
		}
	}
}

// A claim of a player whose namespace is missing but was made a moment ago
// is kept: the namespace is made only when the level is set up.
func TestAssignKeepsFreshClaims(t *testing.T) {
	cs := fake.NewClientset()
	a := NewNodePortAllocator(cs)
	bob := assign(t, a, "bob", 0)
	first := candidates(NodePortRequest{Namespace: "alice"})[0]
	if first != bob.Min {
		// Make alice want bob's block first.
		cs = fake.NewClientset()
		a = NewNodePortAllocator(cs)
		bob = assign(t, a, "bob", first)
	}
	if got := assign(t, a, "alice", 0); got == bob {
		t.Fatalf("alice took bob's fresh claim %v", got)
	}
}

// The default namespace moves to the block with the level's port when it
// held another one, and gives the old one back.
func TestAssignMovesToTheWantedBlock(t *testing.T) {
	cs := fake.NewClientset()
	a := NewNodePortAllocator(cs)
	before := assign(t, a, "k8squest", 0)
	if before.Min == 30080 {
		t.Fatal("the namespace's first block is the wanted one: the test proves nothing")
	}
	if got := assign(t, a, "k8squest", 30080); got.Min != 30080 {
		t.Fatalf("got %v, want 30080-30083", got)
	}
	if _, err := cs.CoordinationV1().Leases(PlayersNamespace).Get(context.Background(), claimName(before.Min), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the old claim %v is still there: %v", before, err)
	}
}

func TestCandidatesCoverTheRangeOnce(t *testing.T) {
	c := candidates(NodePortRequest{Namespace: "x", Want: 30081})
	seen := map[int32]bool{}
	for _, b := range c {
		if seen[b] || b != blockOf(b) || b+NodePortBlockSize-1 > NodePortsLast {
			t.Fatalf("bad or repeated block %d", b)
		}
		seen[b] = true
	}
	if c[0] != 30080 || len(c) != int(NodePortsLast-NodePortsFirst+1)/NodePortBlockSize {
		t.Fatalf("first %d, %d blocks", c[0], len(c))
	}
	// The static band (30000-30085 for the default range) comes first.
	for i, b := range c[1:21] {
		if b+NodePortBlockSize-1 > 30085 {
			t.Fatalf("candidate %d is %d, outside the static band", i+1, b)
		}
	}
	if c[21] < 30084 {
		t.Fatalf("candidate 21 is %d, inside the static band", c[21])
	}
}

// A player elsewhere leaves the level's own port to the lone player it was
// written for, while other blocks are free.
func TestCandidatesSpareTheLevelsPort(t *testing.T) {
	for _, ns := range []string{"alice", "bob", "t22b-4f1c2e", "x"} {
		c := candidates(NodePortRequest{Namespace: ns, Spare: 30080})
		if i := slices.Index(c, 30080); i != len(c)-1 {
			t.Fatalf("%s: the spared block is candidate %d of %d", ns, i, len(c))
		}
	}
}

func TestReleaseNodePorts(t *testing.T) {
	cs := fake.NewClientset()
	a := NewNodePortAllocator(cs)
	alice, bob := assign(t, a, "alice", 0), assign(t, a, "bob", 0)
	if err := ReleaseNodePorts(context.Background(), cs, "alice"); err != nil {
		t.Fatal(err)
	}
	claims, err := a.claims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, held := claims[alice.Min]; held || claims[bob.Min] == nil || len(claims) != 1 {
		t.Fatalf("after alice released %v: claims %v", alice, claims)
	}
	if again := assign(t, a, "alice", 0); again != alice {
		t.Fatalf("alice came back to %v, had %v", again, alice)
	}
}
