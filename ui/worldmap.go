package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/levels"
)

// levelState is where the player stands on one level.
type levelState int

const (
	levelNotStarted levelState = iota
	levelCurrent
	levelDone
)

// String implements fmt.Stringer.
func (s levelState) String() string {
	switch s {
	case levelNotStarted:
		return "not started"
	case levelCurrent:
		return "current"
	case levelDone:
		return "done"
	default:
		return "invalid"
	}
}

// worldMap is the title screen: the game's name, total XP and every world
// with its levels. enter opens the selected level's briefing.
type worldMap struct {
	c      *Common
	levels []*levels.Level
	cursor int
	w, h   int
	// removal, when set, is the background removal of the last finished
	// level, shown on a status line.
	removal *removal
}

// newWorldMap returns the map with the cursor on the current level.
func newWorldMap(c *Common) *worldMap {
	m := &worldMap{c: c, levels: c.Backend.Levels()}
	m.cursor = max(m.current(), 0)
	return m
}

// SetSize implements page.
func (m *worldMap) SetSize(w, h int) {
	m.w, m.h = w, h
}

// ShortHelp implements help.KeyMap.
func (m *worldMap) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Nav.Up, k.Nav.Down, with(k.Nav.Enter, "enter", "briefing"), k.Global.Quit, k.Global.Help}
}

// FullHelp implements help.KeyMap.
func (m *worldMap) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Nav.Up, k.Nav.Down, k.Nav.Top, k.Nav.Bottom}, {with(k.Nav.Enter, "enter", "open briefing"), k.Global.Quit, k.Global.ForceQuit, k.Global.Help}}
}

// Update implements page.
func (m *worldMap) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || len(m.levels) == 0 {
		return nil
	}
	keys := m.c.Keys
	switch {
	case key.Matches(k, keys.Nav.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, keys.Nav.Down):
		m.cursor = min(m.cursor+1, len(m.levels)-1)
	case key.Matches(k, keys.Nav.Top):
		m.cursor = 0
	case key.Matches(k, keys.Nav.Bottom):
		m.cursor = len(m.levels) - 1
	case key.Matches(k, keys.Nav.Enter):
		return send(showBriefingMsg{Level: m.levels[m.cursor]})
	case key.Matches(k, keys.Global.Quit):
		return tea.Quit
	}
	return nil
}

// current returns the index of the first level not completed, or -1.
func (m *worldMap) current() int {
	for i, l := range m.levels {
		if !m.done(l) {
			return i
		}
	}
	return -1
}

// done reports whether l was completed.
func (m *worldMap) done(l *levels.Level) bool {
	r := m.c.Progress.Levels[l.ID]
	return r != nil && r.Completed
}

// state returns the player's state on the level at index i.
func (m *worldMap) state(i int) levelState {
	switch {
	case m.done(m.levels[i]):
		return levelDone
	case i == m.current():
		return levelCurrent
	default:
		return levelNotStarted
	}
}

// View implements page.
func (m *worldMap) View() string {
	parts := []string{m.headerView(), ""}
	if m.removal != nil {
		parts = append(parts, m.removal.View(m.w), "")
	}
	for _, w := range m.worlds() {
		parts = append(parts, m.worldView(w))
	}
	if len(m.levels) == 0 {
		parts = append(parts, m.c.Styles.Subtle.Render("No levels found."))
	}
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

// headerView shows the title, the cluster and the total XP.
func (m *worldMap) headerView() string {
	st := m.c.Styles
	left := st.Logo.Render(logo) + st.Subtle.Render("  ·  Kubernetes, learned by fixing a real cluster")
	right := st.XPTotal.Render(fmt.Sprintf("★ %d XP", m.c.Progress.TotalXP()))
	gap := max(m.w-lipgloss.Width(left)-lipgloss.Width(right), 1)
	sub := st.Subtle.Render("cluster: " + orDash(m.c.Cluster))
	return left + strings.Repeat(" ", gap) + right + "\n" + sub
}

// worlds returns the world numbers present, in order.
func (m *worldMap) worlds() []int {
	seen := map[int]bool{}
	var ws []int
	for _, l := range m.levels {
		if !seen[l.World] {
			seen[l.World] = true
			ws = append(ws, l.World)
		}
	}
	sort.Ints(ws)
	return ws
}

// worldView renders one world's box: name, progress and levels.
func (m *worldMap) worldView(world int) string {
	st := m.c.Styles
	inner := m.w - st.Box.GetHorizontalFrameSize()
	done, total, xp := 0, 0, 0
	var rows []string
	for i, l := range m.levels {
		if l.World != world {
			continue
		}
		total++
		if m.done(l) {
			done++
			xp += m.c.Progress.Levels[l.ID].BestXP
		}
		rows = append(rows, m.levelRow(i, inner))
	}
	title := st.BoxTitle.Render(fmt.Sprintf("World %d · %s", world, levels.Worlds[world]))
	bar := progressBar(st, done, total, min(40, inner/2)) +
		st.Subtle.Render(fmt.Sprintf("  %d/%d levels · %d XP", done, total, xp))
	lines := append([]string{title, bar, ""}, rows...)
	if done == total && total > 0 {
		lines = append(lines, "", st.Success.Render(fmt.Sprintf("★ World %d complete · %d XP", world, xp)))
	}
	return st.Box.Width(m.w).Render(strings.Join(lines, "\n"))
}

// levelRow renders the level at index i: cursor, number, title and state.
func (m *worldMap) levelRow(i, width int) string {
	st := m.c.Styles
	l := m.levels[i]
	cursor, title := "  ", st.Text.Render(l.Title)
	if i == m.cursor {
		cursor, title = st.Cursor.Render("› "), st.Selected.Render(l.Title)
	}
	num := st.Badge.Render(fmt.Sprintf("%2d ", l.ID))
	right := m.stateLabel(i)
	room := width - lipgloss.Width(cursor+num) - lipgloss.Width(right) - 1
	title = ansi.Truncate(title, room, "…")
	gap := max(room-lipgloss.Width(title), 0) + 1
	return cursor + num + title + strings.Repeat(" ", gap) + right
}

// stateLabel says where the player stands on the level at index i.
func (m *worldMap) stateLabel(i int) string {
	st := m.c.Styles
	l := m.levels[i]
	switch m.state(i) {
	case levelDone:
		return st.Status.Pass.Render(fmt.Sprintf("✓ best %d/%d XP", m.c.Progress.Levels[l.ID].BestXP, l.XP))
	case levelCurrent:
		return st.Accent.Render(fmt.Sprintf("▶ next · %s · %d XP", l.Difficulty, l.XP))
	default:
		return st.Subtle.Render(fmt.Sprintf("○ %s · %d XP", l.Difficulty, l.XP))
	}
}

// orDash returns s, or a dash when it is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// progressBar draws done out of total as a bar width cells wide.
func progressBar(st *Styles, done, total, width int) string {
	full := 0
	if total > 0 {
		full = width * done / total
	}
	return st.BarFull.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", width-full))
}
