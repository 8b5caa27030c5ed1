package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// errorScreen is the one error screen: what failed, why, and the way out.
// Any key returns (to the map, or retries the boot); q quits.
type errorScreen struct {
	c    *Common
	err  errMsg
	w, h int
	// booted says there is a map to return to.
	booted bool
}

// newErrorScreen returns the error screen for err.
func newErrorScreen(c *Common, err errMsg, booted bool) *errorScreen {
	return &errorScreen{c: c, err: err, booted: booted}
}

// SetSize implements page.
func (e *errorScreen) SetSize(w, h int) { e.w, e.h = w, h }

// ShortHelp implements help.KeyMap.
func (e *errorScreen) ShortHelp() []key.Binding {
	back := "retry"
	if e.booted {
		back = "back to map"
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("any"), key.WithHelp("any key", back)),
		e.c.Keys.Global.Quit,
	}
}

// FullHelp implements help.KeyMap.
func (e *errorScreen) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

// Update implements page.
func (e *errorScreen) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if key.Matches(k, e.c.Keys.Global.Quit) {
		return tea.Quit
	}
	if e.booted {
		return send(showMapMsg{})
	}
	return send(retryBootMsg{})
}

// retryBootMsg asks the root to boot again.
type retryBootMsg struct{}

// View implements page.
func (e *errorScreen) View() string {
	st := e.c.Styles
	inner := e.w - st.Dialog.GetHorizontalFrameSize()
	body := lipgloss.JoinVertical(lipgloss.Left,
		st.Error.Render("✗ Could not "+e.err.What),
		"",
		st.Text.Render(wrap(e.err.Err.Error(), inner)),
		"",
		st.Subtle.Render("Press any key to "+map[bool]string{true: "return to the map", false: "try again"}[e.booted]+", or q to quit."),
	)
	return st.Dialog.Width(e.w).Render(body)
}
