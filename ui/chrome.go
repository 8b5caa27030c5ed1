package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/k8squest/k8squest/levels"
)

// levelHeader renders the bar at the top of a level's screens: the level
// number as a badge, the title, and right-aligned text.
func levelHeader(c *Common, l *levels.Level, right string, width int) string {
	st := c.Styles
	badge := st.Header.Render(fmt.Sprintf("LEVEL %d", l.ID))
	r := st.Subtle.Render(right)
	room := width - lipgloss.Width(badge) - lipgloss.Width(r) - 2
	title := st.Title.Render(ansi.Truncate(l.Title, max(room, 1), "…"))
	gap := max(width-lipgloss.Width(badge)-1-lipgloss.Width(title)-lipgloss.Width(r), 1)
	return badge + " " + title + strings.Repeat(" ", gap) + r
}

// spread puts left and right on one line width columns wide.
func spread(left, right string, width int) string {
	gap := max(width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	return left + strings.Repeat(" ", gap) + right
}

// wrap word-wraps s to width, breaking long words too.
func wrap(s string, width int) string {
	return ansi.Wrap(s, max(width, 1), " /-")
}

// place centres box over background, both as rendered strings, and returns
// the composed picture: the dialog layer of the play screen.
func place(background, box string, width, height int) string {
	x := max((width-lipgloss.Width(box))/2, 0)
	y := max((height-lipgloss.Height(box))/2, 0)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(background),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}
