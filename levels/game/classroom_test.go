package game

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/kindcluster"
	"github.com/k8squest/k8squest/engine/sim"
)

// catalogue is a game that is never connected: its levels only.
func catalogue(t *testing.T) *Game {
	t.Helper()
	x, err := New(Options{Provider: "kind", ProgressPath: filepath.Join(t.TempDir(), "progress.json")})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// On kind each learner takes the level's pods, a shell pod and a spare:
// level 30 makes 3, World 3's largest (levels 25 and 27) 4; the cluster's
// own pods come on top, and the kubelet's default is the floor.
func TestClassroomMaxPods(t *testing.T) {
	x := catalogue(t)
	world3 := []int{21, 22, 23, 24, 25, 26, 27, 28, 29, 30}
	for _, c := range []struct {
		offered  []int
		learners int
		want     int
	}{{[]int{30}, 50, 50*5 + ClusterPods}, {world3, 50, 50*6 + ClusterPods}, {[]int{30}, 5, KubeletPods}} {
		got, err := x.ClassroomMaxPods(c.offered, c.learners)
		if err != nil || got != c.want {
			t.Errorf("ClassroomMaxPods(%v, %d) = %d, %v; want %d", c.offered, c.learners, got, err, c.want)
		}
	}
	for _, n := range []int{0, -3, 1000} {
		if _, err := x.ClassroomMaxPods([]int{30}, n); err == nil || !strings.Contains(err.Error(), "--learners") {
			t.Errorf("ClassroomMaxPods(30, %d) = %v, want an error naming --learners", n, err)
		}
	}
}

// Options.MaxPods and Learners reach the kind provider's create options,
// next to --advertise.
func TestProviderOptionsCarryMaxPods(t *testing.T) {
	o := Options{MaxPods: 260, Learners: 50, Advertise: kindcluster.Advertise{Host: "10.1.2.3"}}
	k := o.ProviderOptions(nil).Kind
	if k.MaxPods != 260 || k.Learners != 50 || k.Advertise.Host != "10.1.2.3" {
		t.Fatalf("kind create options %+v: want MaxPods 260, Learners 50 and the advertised host", k)
	}
}

// The way to more room names the provider's own remedy.
func TestRemedyNamesTheWayToMoreRoom(t *testing.T) {
	kind := remedy(kindcluster.Name, 50, 260, 0, false)
	for _, s := range []string{"k8squest cluster down --provider kind", "--learners 50", "maxPods 260"} {
		if !strings.Contains(kind, s) {
			t.Errorf("kind remedy %q does not say %q", kind, s)
		}
	}
	if s := remedy(sim.Name, 70, 290, 290, false); !strings.Contains(s, "290 pods") {
		t.Errorf("sim remedy %q does not name the node's 290 pods", s)
	}
	if s := remedy("current", 50, 260, 0, false); !strings.Contains(s, "maxPods") {
		t.Errorf("current remedy %q does not name maxPods", s)
	}
	if s := remedy(kindcluster.Name, 50, 310, 0, true); !strings.Contains(s, "worker nodes") || !strings.Contains(s, "cluster down --provider kind") {
		t.Errorf("kind remedy on a /24 %q does not say to add worker nodes and recreate", s)
	}
}

// The sim node holds sim.NodePods unless a class needs more: 50 learners
// on level 25 (5 pods each: no shell pod on sim, and no pods of the sim's
// own) fit, 70 raise it to 350.
func TestSimNodePodsForAClass(t *testing.T) {
	d := classroom.Demand{Level: 25, LevelPods: 4, Spare: 1}
	for wanted, want := range map[int]int{0: sim.NodePods, 50: sim.NodePods, 70: 350} {
		if got := simNodePods(d, wanted); got != want {
			t.Errorf("simNodePods(%d learners) = %d, want %d", wanted, got, want)
		}
	}
}
