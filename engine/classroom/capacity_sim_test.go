package classroom

import (
	"context"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/sim"
	"github.com/k8squest/k8squest/engine/simtest"
)

// TestReadRoomOnSim sets level 30's StatefulSet up on the shared sim
// cluster and reads the room: the kwok node's allocatable pods as the node
// reports them (raised to sim.NodePods), and the level's 3 pods counted as a
// learner's.
func TestReadRoomOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := sim.EnsureNodePods(ctx, cs, sim.NodePods); err != nil {
		t.Fatal(err)
	}
	ns := simtest.Namespace(t, c)
	objs := level30(t, ns)
	dyn, err := dynamic.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	if err := kube.NewApplier(dyn, cs.Discovery()).Apply(ctx, objs); err != nil {
		t.Fatal(err)
	}
	mine := func(n string) bool { return n == ns }
	var room Room
	for room.LearnerPods < 3 {
		if ctx.Err() != nil {
			t.Fatalf("level 30's pods not seen within the bound: %+v", room)
		}
		if room, err = ReadRoom(ctx, cs, mine); err != nil {
			t.Fatal(err)
		}
		if room.LearnerPods < 3 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	n, err := cs.CoreV1().Nodes().Get(ctx, sim.NodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	alloc := n.Status.Allocatable[corev1.ResourcePods]
	var got *NodeRoom
	for i := range room.Nodes {
		if room.Nodes[i].Name == sim.NodeName {
			got = &room.Nodes[i]
		}
	}
	if got == nil || int64(got.Allocatable) != alloc.Value() || got.Allocatable < sim.NodePods || !got.Usable || got.Used < 3 {
		t.Fatalf("node %s in the room: %+v; the node says %s allocatable pods, want it read as it is and at least %d, usable, at least our 3 used", sim.NodeName, got, alloc.String(), sim.NodePods)
	}
	pods, _ := CountPods(objs)
	p, err := Fit(room, Demand{Level: 30, LevelPods: pods, Spare: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := (got.Allocatable - got.Used - room.Pending + room.LearnerPods) / 4
	if p.Learners != want {
		t.Errorf("plan %v: %d learners, want %d", p, p.Learners, want)
	}
	t.Logf("%v (pods in use: %d, pending %d)", p, got.Used, room.Pending)
}

// level30 is level 30's StatefulSet in ns, from the level's own file (its
// Service, with a fixed ClusterIP, is left out: other tests hold it).
func level30(t *testing.T, ns string) []*unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile("../../content/world-3/30-headless-dns/broken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	all, err := kube.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	var out []*unstructured.Unstructured
	for _, o := range all {
		if o.GetKind() == "StatefulSet" {
			o.SetNamespace(ns)
			out = append(out, o)
		}
	}
	if n, err := CountPods(out); n != 3 || err != nil {
		t.Fatalf("level 30's StatefulSet makes %d pods (%v), want 3", n, err)
	}
	return out
}
