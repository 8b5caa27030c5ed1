package score

import "testing"

func TestScore(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Outcome
		want int
		rows int
	}{
		{"clean", Outcome{LevelXP: 300}, 300, 1},
		{"two hints", Outcome{LevelXP: 300, HintCosts: []int{30, 60}}, 210, 3},
		{"solution", Outcome{LevelXP: 300, HintCosts: []int{30}, SolutionOpened: true, SolutionCost: 200}, 70, 3},
		{"floor", Outcome{LevelXP: 100, HintCosts: []int{50, 50}, SolutionOpened: true, SolutionCost: 80}, MinXP, 5},
	} {
		b := Score(tc.o)
		sum := 0
		for _, l := range b.Lines {
			sum += l.XP
		}
		if b.Total != tc.want || len(b.Lines) != tc.rows || sum != b.Total {
			t.Errorf("%s: total %d over %d lines summing to %d; want %d over %d lines", tc.name, b.Total, len(b.Lines), sum, tc.want, tc.rows)
		}
	}
	if b := Score(Outcome{LevelXP: 300, HintCosts: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}); b.Lines[11].Label != "Hint 11" {
		t.Errorf("label %q", b.Lines[11].Label)
	}
}
