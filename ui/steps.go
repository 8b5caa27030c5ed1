package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/engine/cluster"
)

// stepLog shows the steps of a long operation: a spinner on the running
// step, ✓ or ✗ on finished ones, info lines underneath, and the elapsed time.
type stepLog struct {
	c       *Common
	title   string
	steps   []stepLine
	spin    spinner.Model
	started time.Time
}

// stepLine is one step and what it reported.
type stepLine struct {
	name   string
	state  cluster.StepState
	detail []string
}

// newStepLog returns an empty log titled title, its clock started now.
func newStepLog(c *Common, title string) *stepLog {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Spinner))
	return &stepLog{c: c, title: title, spin: sp, started: c.Now()}
}

// Tick starts the spinner.
func (l *stepLog) Tick() tea.Cmd { return l.spin.Tick }

// Update advances the spinner.
func (l *stepLog) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	l.spin, cmd = l.spin.Update(msg)
	return cmd
}

// Add records a progress event.
func (l *stepLog) Add(e cluster.Event) {
	i := l.find(e.Step)
	if i < 0 {
		l.steps = append(l.steps, stepLine{name: e.Step, state: cluster.StepStarted})
		i = len(l.steps) - 1
	}
	s := &l.steps[i]
	if e.State == cluster.StepInfo {
		if e.Detail != "" {
			s.detail = append(s.detail, e.Detail)
		}
		return
	}
	s.state = e.State
	if e.Detail != "" {
		s.detail = append(s.detail, e.Detail)
	}
}

// find returns the index of the step named name, or -1.
func (l *stepLog) find(name string) int {
	for i := range l.steps {
		if l.steps[i].name == name {
			return i
		}
	}
	return -1
}

// Finish marks steps still running as done, or failed when err is set.
func (l *stepLog) Finish(err error) {
	for i := range l.steps {
		if l.steps[i].state == cluster.StepStarted {
			l.steps[i].state = cluster.StepDone
			if err != nil {
				l.steps[i].state = cluster.StepFailed
			}
		}
	}
}

// View renders the log width columns wide, keeping the last maxLines lines.
func (l *stepLog) View(width, maxLines int) string {
	st := l.c.Styles
	head := st.BoxTitle.Render(l.title) + st.Subtle.Render("  "+clock(l.c.Now().Sub(l.started)))
	lines := []string{head, ""}
	if len(l.steps) == 0 {
		lines = append(lines, l.spin.View()+" "+st.Subtle.Render("starting…"))
	}
	for _, s := range l.steps {
		lines = append(lines, l.icon(s.state)+" "+ansi.Truncate(s.name, width-2, "…"))
		for _, d := range s.detail {
			lines = append(lines, st.Message.Render(ansi.Truncate(d, width-4, "…")))
		}
	}
	if maxLines > 2 && len(lines) > maxLines {
		lines = append(lines[:2], lines[len(lines)-maxLines+2:]...)
	}
	return strings.Join(lines, "\n")
}

// icon returns the marker of a step state.
func (l *stepLog) icon(s cluster.StepState) string {
	st := l.c.Styles
	switch s {
	case cluster.StepDone:
		return st.Status.Pass.Render("✓")
	case cluster.StepFailed:
		return st.Status.Fail.Render("✗")
	case cluster.StepStarted, cluster.StepInfo:
		return l.spin.View()
	default:
		return " "
	}
}
