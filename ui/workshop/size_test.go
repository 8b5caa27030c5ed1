package workshop

import (
	"strings"
	"testing"

	"github.com/k8squest/k8squest/levels/game"
)

// A class of 50 on level 30 makes a kind cluster with 5 pods per learner
// and the cluster's own; sim and current create no kind cluster, and no
// --learners sizes nothing.
func TestClassMaxPods(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want int
	}{
		{Options{Provider: "kind", Offered: []int{30}, Learners: 50}, 50*5 + game.ClusterPods},
		{Options{Provider: "", Offered: []int{30}, Learners: 60}, 60*5 + game.ClusterPods},
		{Options{Provider: "sim", Offered: []int{30}, Learners: 50}, 0},
		{Options{Provider: "current", Offered: []int{30}, Learners: 50}, 0},
		{Options{Provider: "kind", Offered: []int{30}}, 0},
	} {
		got, err := classMaxPods(c.o)
		if err != nil || got != c.want {
			t.Errorf("classMaxPods(%+v) = %d, %v; want %d", c.o, got, err, c.want)
		}
	}
	if _, err := classMaxPods(Options{Provider: "kind", Offered: []int{30}, Learners: 2000}); err == nil || !strings.Contains(err.Error(), "--learners 2000") {
		t.Errorf("2000 learners on one kind node: %v, want an error naming --learners", err)
	}
}
