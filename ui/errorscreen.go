package ui

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/cluster"
)

// errorScreen is the one error screen: what failed, why, and the way out.
// Any key returns (to the map, or retries the boot); q quits. When the boot
// failed on an unhealthy cluster, D offers to delete it and create it
// again, after a confirmation.
type errorScreen struct {
	c    *Common
	err  errMsg
	w, h int
	// booted says there is a map to return to.
	booted bool
	// recreate says the cluster is unhealthy and may be re-created;
	// confirming says the player pressed D and is asked to confirm.
	recreate, confirming bool
}

// newErrorScreen returns the error screen for err.
func newErrorScreen(c *Common, err errMsg, booted bool) *errorScreen {
	return &errorScreen{c: c, err: err, booted: booted,
		recreate: !booted && errors.Is(err.Err, cluster.ErrUnhealthy)}
}

// SetSize implements page.
func (e *errorScreen) SetSize(w, h int) { e.w, e.h = w, h }

// ShortHelp implements help.KeyMap.
func (e *errorScreen) ShortHelp() []key.Binding {
	if e.confirming {
		return []key.Binding{e.c.Keys.Confirm.Yes, e.c.Keys.Confirm.No}
	}
	back := "retry"
	if e.booted {
		back = "back to map"
	}
	keys := []key.Binding{key.NewBinding(key.WithKeys("any"), key.WithHelp("any key", back))}
	if e.recreate {
		keys = append(keys, e.c.Keys.Boot.Recreate)
	}
	return append(keys, e.c.Keys.Global.Quit)
}

// FullHelp implements help.KeyMap.
func (e *errorScreen) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

// Update implements page.
func (e *errorScreen) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if e.confirming {
		e.confirming = false
		if key.Matches(k, e.c.Keys.Confirm.Yes) {
			return send(recreateBootMsg{})
		}
		return nil
	}
	if key.Matches(k, e.c.Keys.Global.Quit) {
		return tea.Quit
	}
	if e.recreate && key.Matches(k, e.c.Keys.Boot.Recreate) {
		e.confirming = true
		return nil
	}
	if e.booted {
		return send(showMapMsg{})
	}
	return send(retryBootMsg{})
}

// retryBootMsg asks the root to boot again.
type retryBootMsg struct{}

// recreateBootMsg asks the root to boot again, deleting the unhealthy
// cluster and creating it anew.
type recreateBootMsg struct{}

// View implements page.
func (e *errorScreen) View() string {
	st := e.c.Styles
	inner := e.w - st.Dialog.GetHorizontalFrameSize()
	body := lipgloss.JoinVertical(lipgloss.Left,
		st.Error.Render("✗ Could not "+e.err.What),
		"",
		st.Text.Render(wrap(e.err.Err.Error(), inner)),
		"",
		st.Subtle.Render(wrap(e.prompt(), inner)),
	)
	return st.Dialog.Width(e.w).Render(body)
}

// prompt says which keys do what.
func (e *errorScreen) prompt() string {
	switch {
	case e.confirming:
		return "Delete the cluster and create it again? What the levels made in it is lost; your progress is kept. " +
			"Press y or enter to go ahead, any other key to go back."
	case e.recreate:
		return "Press any key to try again, D to delete the cluster and create it again, or q to quit."
	case e.booted:
		return "Press any key to return to the map, or q to quit."
	default:
		return "Press any key to try again, or q to quit."
	}
}
