package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/levels"
)

// debrief shows a level's debrief markdown in a scrollable viewport,
// re-rendered on resize. esc or enter returns to the map.
type debrief struct {
	c           *Common
	level       *levels.Level
	vp          viewport.Model
	renderedFor int
	w, h        int
}

// newDebrief returns the debrief of l.
func newDebrief(c *Common, l *levels.Level) *debrief {
	d := &debrief{c: c, level: l, vp: newViewport(c)}
	d.vp.KeyMap.Up, d.vp.KeyMap.Down = c.Keys.Nav.Up, c.Keys.Nav.Down
	d.vp.KeyMap.PageUp, d.vp.KeyMap.PageDown = c.Keys.Nav.PageUp, c.Keys.Nav.PageDown
	d.vp.SetContent(c.Styles.Subtle.Render("Rendering the debrief…"))
	return d
}

// Init renders the debrief.
func (d *debrief) Init() tea.Cmd { return d.renderCmd() }

// SetSize implements page.
func (d *debrief) SetSize(w, h int) {
	d.w, d.h = w, h
	d.vp.Style = d.c.Styles.Viewport
	d.vp.SetWidth(w)
	d.vp.SetHeight(max(h-lipgloss.Height(d.headerView()), 3))
}

// ShortHelp implements help.KeyMap.
func (d *debrief) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{k.Nav.Up, k.Nav.Down, with(k.Nav.Enter, "enter/esc", "back to map"), k.Global.Help}
}

// FullHelp implements help.KeyMap.
func (d *debrief) FullHelp() [][]key.Binding {
	k := d.c.Keys
	return [][]key.Binding{
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown},
		{k.Nav.Top, k.Nav.Bottom},
		{with(k.Nav.Enter, "enter/esc", "back to map"), k.Global.Quit, k.Global.Help},
	}
}

// Update implements page.
func (d *debrief) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case markdownMsg:
		if msg.Key == d.mdKey() && msg.Width == d.contentWidth() {
			d.setRendered(msg)
		}
		return nil
	case tea.WindowSizeMsg, tea.BackgroundColorMsg:
		return d.renderCmd()
	case tea.KeyPressMsg:
		return d.handleKey(msg)
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return cmd
	}
	return nil
}

// setRendered shows a rendered debrief, keeping the scroll position.
func (d *debrief) setRendered(msg markdownMsg) {
	off := d.vp.YOffset()
	if msg.Err != nil {
		d.vp.SetContent(d.source())
	} else {
		d.vp.SetContent(msg.Out)
	}
	d.vp.SetYOffset(off)
	d.renderedFor = msg.Width
}

// handleKey scrolls or leaves.
func (d *debrief) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := d.c.Keys
	switch {
	case key.Matches(msg, k.Nav.Enter, k.Global.Back):
		return send(showMapMsg{})
	case key.Matches(msg, k.Global.Quit):
		return tea.Quit
	case key.Matches(msg, k.Nav.Top):
		d.vp.GotoTop()
	case key.Matches(msg, k.Nav.Bottom):
		d.vp.GotoBottom()
	default:
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return cmd
	}
	return nil
}

// View implements page.
func (d *debrief) View() string {
	return lipgloss.JoinVertical(lipgloss.Left, d.headerView(), d.vp.View())
}

// headerView shows the level and the scroll position.
func (d *debrief) headerView() string {
	pct := fmt.Sprintf("debrief · %3.0f%%", d.vp.ScrollPercent()*100)
	return levelHeader(d.c, d.level, pct, d.w)
}

// contentWidth is the width inside the viewport's frame.
func (d *debrief) contentWidth() int { return d.vp.Width() - d.vp.Style.GetHorizontalFrameSize() }

// mdKey tags this debrief's markdown renders.
func (d *debrief) mdKey() string { return fmt.Sprintf("debrief-%d", d.level.ID) }

// renderCmd renders the debrief for the current width.
func (d *debrief) renderCmd() tea.Cmd {
	if d.vp.Width() <= 0 {
		return nil
	}
	return renderMarkdownCmd(d.mdKey(), d.source(), d.contentWidth(), d.c.Styles.Dark)
}
