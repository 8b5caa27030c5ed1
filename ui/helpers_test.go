package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/progress"
)

// tKey builds a key press for a named key.
func tKey(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// passed is a verdict where every check passed.
func passed() play.Verdict {
	sts := statuses(check.Pass, check.Pass, check.Pass, check.Pass, check.Pass)
	msgs := []string{"clusterIP is None", "serviceName web-cluster; selector matches 3 pods", "3/3 replicas ready", "web-0, web-1, web-2 resolve to their pods", "3 A records, 3 SRV records"}
	return play.Verdict{Results: results(sts, msgs), Passed: true}
}

// awardOf is a first-time award of gained XP, or a replay when zero.
func awardOf(gained int) progress.Award {
	return progress.Award{Earned: 210, Gained: gained, FirstTime: gained > 0}
}
