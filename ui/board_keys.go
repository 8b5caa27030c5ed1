package ui

import "charm.land/bubbles/v2/key"

// BoardKeys are the instructor board's own keys; navigation, confirmation
// and quitting are the game's (KeyMap).
type BoardKeys struct {
	Sort, Filter, Open, Reset, Broadcast, End, Send key.Binding
}

// DefaultBoardKeys returns the board's key bindings.
func DefaultBoardKeys() *BoardKeys {
	return &BoardKeys{
		Sort:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "checklist")),
		Reset:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset level")),
		Broadcast: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "broadcast")),
		End:       key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "end workshop")),
		Send:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
	}
}

// ShortHelp implements help.KeyMap.
func (b *Board) ShortHelp() []key.Binding {
	k, g := b.keys, b.c.Keys
	switch b.mode {
	case modeFilter:
		return []key.Binding{with(g.Nav.Enter, "enter", "keep filter"), with(g.Global.Back, "esc", "clear filter")}
	case modeChecklist:
		return []key.Binding{k.Reset, with(g.Global.Back, "esc", "back to the board"), g.Global.ForceQuit}
	case modeCompose:
		return []key.Binding{k.Send, with(g.Global.Back, "esc", "cancel")}
	case modeConfirm:
		return []key.Binding{g.Confirm.Yes, g.Confirm.No}
	case modeEnded:
		return []key.Binding{g.Global.Quit}
	default:
		return []key.Binding{k.Open, k.Sort, k.Filter, k.Reset, k.Broadcast, k.End, with(g.Global.Quit, "q", "leave")}
	}
}

// FullHelp implements help.KeyMap.
func (b *Board) FullHelp() [][]key.Binding {
	g := b.c.Keys
	return [][]key.Binding{{g.Nav.Up, g.Nav.Down, g.Nav.Top, g.Nav.Bottom}, b.ShortHelp()}
}
