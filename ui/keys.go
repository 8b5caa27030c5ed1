package ui

import "charm.land/bubbles/v2/key"

// KeyMap holds every key binding, grouped by where it applies.
type KeyMap struct {
	// Global works on every screen.
	Global struct {
		Quit, ForceQuit, Help, Back key.Binding
	}
	// Nav moves through lists and scrolls.
	Nav struct {
		Up, Down, PageUp, PageDown, Top, Bottom, Enter key.Binding
	}
	// Play acts on the level being played.
	Play struct {
		Hint, Solution, Reset, Shell, Drill, Leave, Reconnect key.Binding
	}
	// Boot acts on a cluster that could not be started.
	Boot struct {
		Recreate key.Binding
	}
	// Confirm answers a dialog.
	Confirm struct {
		Yes, No key.Binding
	}
}

// DefaultKeyMap returns the game's key bindings.
func DefaultKeyMap() *KeyMap {
	k := &KeyMap{}
	k.Global.Quit = key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit"))
	k.Global.ForceQuit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now"))
	k.Global.Help = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys"))
	k.Global.Back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))

	k.Nav.Up = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	k.Nav.Down = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	k.Nav.PageUp = key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up"))
	k.Nav.PageDown = key.NewBinding(key.WithKeys("pgdown", "f", "space"), key.WithHelp("pgdn", "page down"))
	k.Nav.Top = key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top"))
	k.Nav.Bottom = key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom"))
	k.Nav.Enter = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select"))

	k.Play.Hint = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint"))
	k.Play.Solution = key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "solution"))
	k.Play.Reset = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset"))
	k.Play.Shell = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "shell"))
	k.Play.Drill = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "retry drill"))
	k.Play.Leave = key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q/esc", "leave"))
	k.Play.Reconnect = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "start the cluster again"))

	k.Boot.Recreate = key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete & re-create the cluster"))

	k.Confirm.Yes = key.NewBinding(key.WithKeys("y", "Y", "enter"), key.WithHelp("y/enter", "yes"))
	k.Confirm.No = key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no"))
	return k
}

// with returns b with its help text replaced, for a screen-specific label.
func with(b key.Binding, keys, desc string) key.Binding {
	b.SetHelp(keys, desc)
	return b
}
