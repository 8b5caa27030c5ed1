package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// result shows a completed level: time, XP breakdown, whether XP was added,
// and the new total. enter opens the debrief.
type result struct {
	c    *Common
	done levelDoneMsg
	w, h int
	// vp scrolls the summary when the diagnoses make it taller than the screen.
	vp viewport.Model
}

// newResult returns the result screen of a completed level.
func newResult(c *Common, done levelDoneMsg) *result {
	return &result{c: c, done: done, vp: newScroller(c)}
}

// SetSize implements page.
func (r *result) SetSize(w, h int) {
	r.w, r.h = w, h
	r.layout()
}

// ShortHelp implements help.KeyMap.
func (r *result) ShortHelp() []key.Binding {
	k := r.c.Keys
	return []key.Binding{with(k.Nav.Enter, "enter", "debrief"), with(k.Global.Back, "esc", "map"), k.Global.Quit}
}

// FullHelp implements help.KeyMap.
func (r *result) FullHelp() [][]key.Binding { return [][]key.Binding{r.ShortHelp()} }

// Update implements page.
func (r *result) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	keys := r.c.Keys
	switch {
	case key.Matches(k, keys.Nav.Enter):
		return send(showDebriefMsg{Level: r.done.Level})
	case key.Matches(k, keys.Global.Back):
		return send(showMapMsg{})
	case key.Matches(k, keys.Global.Quit):
		return tea.Quit
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return cmd
}

// View implements page.
func (r *result) View() string {
	return lipgloss.JoinVertical(lipgloss.Left, levelHeader(r.c, r.done.Level, "complete", r.w), "", r.vp.View())
}

// summaryView is the scrolling part: the XP box and what the checks saw.
func (r *result) summaryView() string {
	st := r.c.Styles
	d := r.done
	w := min(r.w, 64)
	inner := w - st.Box.GetHorizontalFrameSize()
	lines := []string{
		st.Success.Render(fmt.Sprintf("★ Level %d complete", d.Level.ID)),
		st.Text.Render(d.Level.Title),
		"",
		spread(st.Subtle.Render("Time"), st.Bold.Render(clock(time.Duration(d.Outcome.Seconds)*time.Second)), inner),
	}
	if d.Outcome.Resets > 0 {
		lines = append(lines, spread(st.Subtle.Render("Resets"), st.Bold.Render(fmt.Sprint(d.Outcome.Resets)), inner))
	}
	lines = append(lines, "", st.BoxTitle.Render("XP"))
	for _, l := range d.Breakdown.Lines {
		style := st.XPGain
		if l.XP < 0 {
			style = st.XPLoss
		}
		lines = append(lines, spread(st.Text.Render(l.Label), style.Render(signed(l.XP)), inner))
	}
	lines = append(lines, st.Subtle.Render(strings.Repeat("─", inner)),
		spread(st.Bold.Render("This run"), st.XPTotal.Render(fmt.Sprintf("%d XP", d.Breakdown.Total)), inner),
		"", r.awardView(inner),
		spread(st.Bold.Render("Total"), st.XPTotal.Render(fmt.Sprintf("★ %d XP", d.Progress.TotalXP())), inner))
	if d.Session != nil {
		lines = append(lines, "", st.Subtle.Render(wrap(fmt.Sprintf("Back on the map, the game removes what the level created in namespace %s.", d.Session.Namespace()), inner)))
	}
	box := st.Box.Width(w).Render(strings.Join(lines, "\n"))
	parts := []string{box}
	for _, v := range []string{r.drillSeenView(), r.diagnosesView()} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

// awardView says what the completion added to the total.
func (r *result) awardView(width int) string {
	st := r.c.Styles
	a := r.done.Award
	switch {
	case a.Gained == 0:
		return st.Subtle.Render(wrap("Replay: best result kept, no XP added.", width))
	case a.FirstTime:
		return st.Success.Render(fmt.Sprintf("First completion: +%d XP added.", a.Gained))
	default:
		return st.Success.Render(fmt.Sprintf("New best: +%d XP added.", a.Gained))
	}
}
