package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/score"
)

// layout sizes the body viewport to what the fixed parts leave and refills it.
func (p *playScreen) layout() {
	if p.w <= 0 {
		return
	}
	top := lipgloss.Height(p.topView())
	p.vp.SetWidth(p.w)
	p.vp.SetHeight(max(p.h-top, 1))
	p.vp.SetContent(p.bodyView())
}

// View implements page.
func (p *playScreen) View() string {
	out := lipgloss.JoinVertical(lipgloss.Left, p.topView(), p.vp.View())
	if p.dialog != dialogNone {
		return place(out, p.dialogView(), p.w, p.h)
	}
	return out
}

// topView is the fixed part: header, how to play, banners.
func (p *playScreen) topView() string {
	st := p.c.Styles
	lines := []string{
		levelHeader(p.c, p.level, "⏱ "+clock(p.elapsed()), p.w),
		spread(st.Subtle.Render("namespace ")+st.Accent.Render(p.sess.Namespace()), p.worthView(), p.w),
		st.Subtle.Render(wrap("Fix it with kubectl in another terminal, or press s for a shell.", p.w)),
	}
	if p.haveVerdict && p.verdict.Err != nil {
		lines = append(lines, st.Banner.Width(p.w).Render(p.bannerText()))
	}
	if p.notice != "" {
		lines = append(lines, st.Warn.Render(wrap(p.notice, p.w)))
	}
	if p.export != "" {
		// Not wrapped: it is copied into another terminal as it is.
		lines = append(lines, st.Accent.Render(p.export))
	}
	return strings.Join(lines, "\n") + "\n"
}

// worthView says what the level pays if solved now.
func (p *playScreen) worthView() string {
	st := p.c.Styles
	worth := score.Score(p.outcome()).Total
	s := st.Subtle.Render("worth now ") + st.XPTotal.Render(fmt.Sprintf("%d/%d XP", worth, p.level.XP))
	if p.resets > 0 {
		s += st.Subtle.Render(fmt.Sprintf(" · resets %d", p.resets))
	}
	return s
}

// bodyView is the scrolling part: checks, drill, reset, opened help.
func (p *playScreen) bodyView() string {
	parts := []string{p.checksView()}
	if p.drill.has && p.drill.state != drillIdle {
		parts = append(parts, p.drillView())
	}
	if p.opLog != nil {
		st := p.c.Styles
		parts = append(parts, st.Box.Width(p.w).Render(p.opLog.View(p.w-st.Box.GetHorizontalFrameSize(), 0)))
	}
	if p.hintsOpened > 0 || p.solutionOpened {
		parts = append(parts, p.helpView())
	}
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

// results are the latest results, or the level's checks as pending.
func (p *playScreen) results() []check.Result {
	if p.haveVerdict && len(p.verdict.Results) > 0 {
		return p.verdict.Results
	}
	rs := make([]check.Result, len(p.level.Checks))
	for i, c := range p.level.Checks {
		rs[i] = check.Result{ID: c.ID, Title: c.Title, Status: check.Pending, Message: "waiting for the first check…"}
	}
	return rs
}

// checksView is the checklist box.
func (p *playScreen) checksView() string {
	st := p.c.Styles
	inner := p.w - st.Box.GetHorizontalFrameSize()
	rs := p.results()
	passed := 0
	for _, r := range rs {
		if r.Passed() {
			passed++
		}
	}
	lines := []string{spread(st.BoxTitle.Render("Checks"), st.Subtle.Render(fmt.Sprintf("%d/%d passing", passed, len(rs))), inner)}
	for _, r := range rs {
		lines = append(lines, p.checkView(r, inner))
	}
	return st.Box.Width(p.w).Render(strings.Join(lines, "\n"))
}

// checkView is one check: icon and title, the observation underneath.
func (p *playScreen) checkView(r check.Result, width int) string {
	st := p.c.Styles
	icon, style := statusIcon(st, r.Status)
	title := strings.ReplaceAll(wrap(r.Title, width-2), "\n", "\n  ")
	out := icon + " " + style.Render(title)
	msg := r.Message
	if msg == "" && r.Status == check.Unknown {
		msg = "could not observe the cluster"
	}
	if msg != "" {
		out += "\n" + st.Message.Render(wrap(msg, width-st.Message.GetHorizontalFrameSize()))
	}
	return out + p.diagnosisView(r, width)
}

// statusIcon returns the icon of a check status and the style of its title.
func statusIcon(st *Styles, s check.Status) (string, lipgloss.Style) {
	switch s {
	case check.Pass:
		return st.Status.Pass.Render("✓"), st.Text
	case check.Fail:
		return st.Status.Fail.Render("✗"), st.Bold
	case check.Unknown:
		return st.Status.Unknown.Render("?"), st.Bold
	case check.Pending:
		return st.Status.Pending.Render("○"), st.Subtle
	default:
		return " ", st.Text
	}
}

// drillView is the drill box: its title, live steps and outcome.
func (p *playScreen) drillView() string {
	st := p.c.Styles
	inner := p.w - st.Box.GetHorizontalFrameSize()
	lines := []string{st.BoxTitle.Render(wrap(p.drill.title, inner))}
	for i, s := range p.drill.steps {
		at := "     "
		if i > 0 || !s.At.IsZero() {
			at = "+" + clock(s.At.Sub(p.drill.steps[0].At))
		}
		lines = append(lines, st.Subtle.Render(at)+" "+strings.ReplaceAll(wrap(s.Message, inner-7), "\n", "\n       "))
	}
	switch p.drill.state {
	case drillRunning:
		lines = append(lines, st.Accent.Render("… drill running: watch the checks follow the cluster"))
	case drillFailed:
		lines = append(lines, st.Error.Render(wrap("✗ Drill failed: "+p.drill.message, inner)),
			st.Subtle.Render(wrap("Keep fixing; the drill runs again once every check passes (or press d).", inner)))
	case drillPassed:
		lines = append(lines, st.Success.Render(wrap("✓ Drill passed: "+p.drill.message, inner)))
	case drillIdle:
	}
	return st.Box.Width(p.w).Render(strings.Join(lines, "\n"))
}

// helpView shows the opened hints and solution.
func (p *playScreen) helpView() string {
	st := p.c.Styles
	cost := 0
	for _, h := range p.level.Hints[:p.hintsOpened] {
		cost += h.Cost
	}
	head := fmt.Sprintf("Hints opened %d/%d (−%d XP)", p.hintsOpened, len(p.level.Hints), cost)
	if p.solutionOpened {
		head += fmt.Sprintf(" · solution (−%d XP)", p.level.Solution.Cost)
	}
	body := p.helpMD
	if p.helpWidth != p.w || body == "" {
		body = st.Subtle.Render(wrap(p.helpSource(), p.w))
	}
	return st.BoxTitle.Render(head) + "\n" + body
}

// dialogView is the confirmation box of the open dialog.
func (p *playScreen) dialogView() string {
	st := p.c.Styles
	var title, body string
	switch p.dialog {
	case dialogHint:
		h := p.level.Hints[p.hintsOpened]
		title = fmt.Sprintf("Open hint %d of %d?", p.hintsOpened+1, len(p.level.Hints))
		body = fmt.Sprintf("It costs %d XP: the level would pay %d XP instead of %d.", h.Cost, p.worthAfter(h.Cost), score.Score(p.outcome()).Total)
	case dialogSolution:
		title = "Open the solution?"
		body = fmt.Sprintf("It costs %d XP: the level would pay %d XP instead of %d.", p.level.Solution.Cost, p.worthAfter(p.level.Solution.Cost), score.Score(p.outcome()).Total)
	case dialogReset:
		title = "Reset the level?"
		body = "Everything in namespace " + p.sess.Namespace() + " is deleted and the broken state is applied again. The clock keeps running."
	case dialogLeave:
		title = "Leave the level?"
		body = "The checks stop watching. The broken state stays in the cluster; starting again sets it up afresh."
		if op := p.busy(); op != "" {
			body += " " + strings.ToUpper(op[:1]) + op[1:] + ", running now, is stopped."
		}
	case dialogNone:
		return ""
	}
	w := min(p.w-4, 60)
	inner := w - st.Dialog.GetHorizontalFrameSize()
	text := st.Warn.Render(title) + "\n\n" + st.Text.Render(wrap(body, inner)) + "\n\n" + st.Subtle.Render("y/enter: yes · n/esc: no")
	return st.Dialog.Width(w).Render(text)
}

// worthAfter is what the level would pay after spending cost more XP.
func (p *playScreen) worthAfter(cost int) int {
	o := p.outcome()
	o.HintCosts = append(o.HintCosts, cost)
	return score.Score(o).Total
}
