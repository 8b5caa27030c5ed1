package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/engine/classroom"
)

// checklistView is the selected learner's checks, live and read-only: the
// titles and statuses their latest verdict published.
func (b *Board) checklistView(w, h int) string {
	st := b.c.Styles
	r, ok := b.snap.Row(b.cursor)
	if !ok {
		return b.headerView(w) + "\n\n" + st.Text.Render(b.cursor+" has left the workshop.")
	}
	state := "disconnected"
	if r.Connected {
		state = "connected"
	}
	title := st.Header.Render(strings.ToUpper(r.Name)) + " " +
		st.Title.Render(dash(r.Level, fmt.Sprintf("level %d", r.Level)))
	right := fmt.Sprintf("%s · %s on the level · %s%s", state, clock(r.TimeOnLevel(b.c.Now())), hintsNote(r.Hints), solutionNote(r))
	lines := []string{spread(title, st.Subtle.Render(right), w), st.Subtle.Render("read-only: what " + r.Name + "'s game shows, live"), ""}
	box := st.Box.Width(w)
	inner := w - box.GetHorizontalFrameSize()
	body := []string{spread(st.BoxTitle.Render("Checks"), st.Subtle.Render(passingNote(r)), inner)}
	if len(r.Checks) == 0 {
		body = append(body, st.Subtle.Render("No verdict yet."))
	}
	for _, c := range r.Checks {
		icon, style := statusIcon(st, c.Status)
		body = append(body, icon+" "+style.Render(ansi.Truncate(c.Title, inner-2, "…")))
	}
	lines = append(lines, box.Render(strings.Join(body, "\n")))
	out := strings.Join(lines, "\n")
	return out + strings.Repeat("\n", max(h-strings.Count(out, "\n")-2, 1)) + b.statusView(w)
}

// hintsNote counts the hints opened.
func hintsNote(n int) string {
	if n == 1 {
		return "1 hint"
	}
	return fmt.Sprintf("%d hints", n)
}

// solutionNote is ", solution seen" when it was.
func solutionNote(r classroom.Row) string {
	if r.Solution {
		return " · solution seen"
	}
	return ""
}

// passingNote is "n/m passing", or the completion.
func passingNote(r classroom.Row) string {
	if r.Done() {
		return "completed"
	}
	return fmt.Sprintf("%d/%d passing", r.Passing, r.Total)
}

// endedView is the end of the workshop and its summary.
func (b *Board) endedView(w int) string {
	st := b.c.Styles
	s := b.summary
	if s == "" {
		s = "Every learner's namespace and identity was removed."
	}
	return st.Header.Render("CLASSROOM") + " " + st.Title.Render(b.snap.Workshop+" has ended") + "\n\n" +
		st.Text.Render(wrap(s, w))
}
