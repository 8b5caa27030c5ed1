package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/engine/classroom"
)

// boardSort is the order of the board's rows.
type boardSort int

const (
	sortName boardSort = iota
	sortLevel
	sortProgress
	sortActivity
)

// String implements fmt.Stringer.
func (s boardSort) String() string {
	return [...]string{"name", "level", "progress", "last activity"}[s]
}

// next is the order after s, for the sort key.
func (s boardSort) next() boardSort { return (s + 1) % 4 }

// progressOf orders learners by how far they are on their level: a
// completed level first, then the share of checks passing.
func progressOf(r classroom.Row) float64 {
	if r.Done() {
		return 2
	}
	if r.Total == 0 {
		return 0
	}
	return float64(r.Passing) / float64(r.Total)
}

// compare orders a before b under s; ties go by name.
func (s boardSort) compare(a, b classroom.Row) int {
	var c int
	switch s {
	case sortLevel:
		c = cmp.Compare(b.Level, a.Level)
	case sortProgress:
		c = cmp.Compare(progressOf(b), progressOf(a))
	case sortActivity:
		c = b.LastActivity.Compare(a.LastActivity)
	case sortName:
	}
	if c == 0 {
		c = strings.Compare(a.Name, b.Name)
	}
	return c
}

// visible is the rows the filter lets through, in the board's order.
func (b *Board) visible() []classroom.Row {
	f := strings.ToLower(b.filter)
	var rows []classroom.Row
	for _, r := range b.snap.Rows {
		if strings.Contains(strings.ToLower(r.Name), f) {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, b.sort.compare)
	return rows
}

// selected returns the row under the cursor.
func (b *Board) selected() (classroom.Row, bool) {
	for _, r := range b.visible() {
		if r.Name == b.cursor {
			return r, true
		}
	}
	return classroom.Row{}, false
}

// keepCursor keeps the cursor on a visible learner, the first when the
// one it was on is gone.
func (b *Board) keepCursor() {
	rows := b.visible()
	if _, ok := b.selected(); !ok && len(rows) > 0 {
		b.cursor = rows[0].Name
	}
}

// moveCursor moves the cursor by d rows.
func (b *Board) moveCursor(d int) {
	rows := b.visible()
	if len(rows) == 0 {
		return
	}
	i := slices.IndexFunc(rows, func(r classroom.Row) bool { return r.Name == b.cursor })
	i = min(max(i+d, 0), len(rows)-1)
	b.cursor = rows[i].Name
}

// boardColumn is one column of the table: header, width, right-aligned.
type boardColumn struct {
	title string
	width int
	right bool
}

// boardColumns are the table's columns after the cursor and the name.
var boardColumns = []boardColumn{
	{"ON", 3, false}, {"LEVEL", 6, false}, {"CHECKS", 12, false}, {"TIME", 8, true},
	{"HINTS", 6, true}, {"SOL", 4, true}, {"XP", 6, true}, {"DONE", 5, true}, {"LAST", 9, true},
}

// nameWidth is what the name column gets of w.
func nameWidth(w int) int {
	fixed := 2
	for _, c := range boardColumns {
		fixed += c.width + 1
	}
	return min(max(w-fixed-1, 8), 24)
}

// pad fits s (styled or not) into w cells.
func pad(s string, w int, right bool) string {
	s = ansi.Truncate(s, w, "…")
	gap := strings.Repeat(" ", max(w-lipgloss.Width(s), 0))
	if right {
		return gap + s
	}
	return s + gap
}

// listView is the board: header, the table, the status line.
func (b *Board) listView(w, h int) string {
	lines := []string{b.headerView(w), b.subView(w), ""}
	rows := b.visible()
	switch {
	case len(b.snap.Rows) == 0:
		lines = append(lines, b.c.Styles.Text.Render("No learner has joined yet."),
			b.c.Styles.Subtle.Render("Learners join with `ssh -p PORT NAME@HOST`; each appears here as they connect."))
	case len(rows) == 0:
		lines = append(lines, b.c.Styles.Text.Render(fmt.Sprintf("No learner's name contains %q.", b.filter)))
	default:
		lines = append(lines, b.tableHeader(w))
		room := max(h-len(lines)-2, 1)
		b.scrollTo(rows, room)
		for _, r := range rows[b.offset:min(b.offset+room, len(rows))] {
			lines = append(lines, b.rowView(r, w))
		}
	}
	body := strings.Join(lines, "\n")
	pad := max(h-lipgloss.Height(body)-1, 1)
	return body + strings.Repeat("\n", pad) + b.statusView(w)
}

// scrollTo keeps the cursor's row within the room rows shown.
func (b *Board) scrollTo(rows []classroom.Row, room int) {
	i := max(slices.IndexFunc(rows, func(r classroom.Row) bool { return r.Name == b.cursor }), 0)
	if i < b.offset {
		b.offset = i
	}
	if i >= b.offset+room {
		b.offset = i - room + 1
	}
	b.offset = min(b.offset, max(len(rows)-room, 0))
}

// headerView is the badge, the workshop and the head count.
func (b *Board) headerView(w int) string {
	st := b.c.Styles
	left := st.Header.Render("CLASSROOM") + " " + st.Title.Render(b.snap.Workshop)
	right := fmt.Sprintf("%d learners · %d connected", len(b.snap.Rows), b.snap.Connected())
	if b.snap.Ended {
		right = "ended · " + right
	}
	return spread(left, st.Subtle.Render(right), w)
}

// subView says the order and the filter, and the last broadcast.
func (b *Board) subView(w int) string {
	st := b.c.Styles
	s := "sort: " + b.sort.String()
	switch {
	case b.mode == modeFilter:
		s += " · filter: " + st.Accent.Render(b.filter+"▏")
	case b.filter != "":
		s += " · filter: " + b.filter
	}
	if !b.live && b.snap.Seq > 0 {
		s += " · " + st.Warn.Render("not receiving updates")
	}
	if m := b.snap.Message; m != nil {
		s += " · last broadcast " + m.At.Local().Format("15:04") + ": " + m.Text
	}
	return st.Subtle.Render(ansi.Truncate(s, w, "…"))
}

// tableHeader is the columns' titles.
func (b *Board) tableHeader(w int) string {
	cells := []string{"  " + pad("NAME", nameWidth(w), false)}
	for _, c := range boardColumns {
		cells = append(cells, pad(c.title, c.width, c.right))
	}
	return b.c.Styles.Bold.Render(strings.Join(cells, " "))
}

// rowView is one learner's row.
func (b *Board) rowView(r classroom.Row, w int) string {
	st := b.c.Styles
	now := b.c.Now()
	name, cursor := st.Text, "  "
	if !r.Connected {
		name = st.Subtle
	}
	if r.Name == b.cursor {
		name, cursor = st.Selected, st.Cursor.Render("› ")
	}
	on := st.Status.Pending.Render("○")
	if r.Connected {
		on = st.Status.Pass.Render("●")
	}
	vals := []string{
		on, dash(r.Level, fmt.Sprint(r.Level)), b.checksCell(r), dash(r.Level, clock(r.TimeOnLevel(now))),
		fmt.Sprint(r.Hints), yesNo(r.Solution), fmt.Sprint(r.XP), fmt.Sprint(r.Completions), ago(now, r.LastActivity),
	}
	cells := []string{cursor + name.Render(pad(r.Name, nameWidth(w), false))}
	for i, c := range boardColumns {
		cells = append(cells, pad(vals[i], c.width, c.right))
	}
	return strings.Join(cells, " ")
}

// checksCell is a bar of the checks passing and n/m, or the completion.
func (b *Board) checksCell(r classroom.Row) string {
	st := b.c.Styles
	switch {
	case r.Done():
		return st.Status.Pass.Render("✓ done")
	case r.Total == 0:
		return st.Subtle.Render("–")
	}
	const bar = 5
	full := r.Passing * bar / r.Total
	return st.BarFull.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", bar-full)) +
		fmt.Sprintf(" %d/%d", r.Passing, r.Total)
}

// dash is s, or "–" before the learner's first level.
func dash(level int, s string) string {
	if level == 0 {
		return "–"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "✓"
	}
	return "–"
}

// ago says how long ago t was, roughly.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	d := now.Sub(t)
	switch {
	case d < 5*time.Second:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	default:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
}

// statusView is the outcome of the last action, or the one running.
func (b *Board) statusView(w int) string {
	st := b.c.Styles
	switch {
	case b.mode == modeCompose:
		count := st.Subtle.Render(fmt.Sprintf("  %d/%d", len([]rune(b.compose)), classroom.MaxMessage))
		text := ansi.TruncateLeft(b.compose+"▏", max(len([]rune(b.compose))+1-(w-30), 0), "…")
		line := st.Accent.Render("broadcast › ") + st.Text.Render(text) + count
		if b.failed && b.status != "" {
			line += "  " + st.Error.Render("✗ "+b.status)
		}
		return ansi.Truncate(line, w, "…")
	case b.busy != "":
		line := b.busy + "…"
		if b.failed && b.status != "" {
			line += " · " + b.status
		}
		return st.Accent.Render(ansi.Truncate(line, w, "…"))
	case b.status == "":
		return ""
	case b.failed:
		return st.Error.Render(ansi.Truncate("✗ "+b.status, w, "…"))
	default:
		return st.Success.Render(ansi.Truncate("✓ "+b.status, w, "…"))
	}
}
