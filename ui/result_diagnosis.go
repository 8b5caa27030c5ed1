package ui

import (
	"strings"

	"charm.land/bubbles/v2/viewport"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/check"
)

// newScroller returns a viewport scrolled with the navigation keys.
func newScroller(c *Common) viewport.Model {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{Up: c.Keys.Nav.Up, Down: c.Keys.Nav.Down, PageUp: c.Keys.Nav.PageUp, PageDown: c.Keys.Nav.PageDown}
	vp.MouseWheelDelta = 3
	return vp
}

// layout sizes the result's viewport below the header and refills it.
func (r *result) layout() {
	if r.w <= 0 {
		return
	}
	head := lipgloss.Height(levelHeader(r.c, r.done.Level, "complete", r.w)) + 1
	r.vp.SetWidth(r.w)
	r.vp.SetHeight(max(r.h-head, 1))
	r.vp.SetContent(r.summaryView())
}

// diagnosesView lists every check of the completed level with its goal and
// its diagnosis: the level is solved, so nothing is held back any more.
func (r *result) diagnosesView() string {
	if len(r.done.Results) == 0 {
		return ""
	}
	st := r.c.Styles
	inner := r.w - st.Box.GetHorizontalFrameSize()
	lines := []string{st.BoxTitle.Render("What the checks saw, and why")}
	for _, res := range r.done.Results {
		icon, style := statusIcon(st, res.Status)
		lines = append(lines, icon+" "+style.Render(strings.ReplaceAll(wrap(res.Title, inner-2), "\n", "\n  ")),
			st.Message.Render(wrap(verdictText(res), inner-st.Message.GetHorizontalFrameSize())))
	}
	return st.Box.Width(r.w).Render(strings.Join(lines, "\n"))
}

// verdictText is a check's diagnosis, or its symptom when it has none.
func verdictText(r check.Result) string {
	if r.Diagnosis != "" {
		return r.Diagnosis
	}
	return r.Message
}
