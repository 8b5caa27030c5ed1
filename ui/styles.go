package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles holds every style the UI uses, built for a light or dark terminal.
// No other file defines a colour.
type Styles struct {
	// Dark says the styles were built for a dark background.
	Dark bool

	App      lipgloss.Style
	Page     lipgloss.Style
	Title    lipgloss.Style
	Logo     lipgloss.Style
	Header   lipgloss.Style
	Badge    lipgloss.Style
	Subtle   lipgloss.Style
	Text     lipgloss.Style
	Accent   lipgloss.Style
	Bold     lipgloss.Style
	Box      lipgloss.Style
	BoxTitle lipgloss.Style
	Dialog   lipgloss.Style
	Banner   lipgloss.Style
	Message  lipgloss.Style
	// Diagnosis is a revealed "why:" line under a check's symptom.
	Diagnosis lipgloss.Style
	Viewport  lipgloss.Style
	Spinner   lipgloss.Style
	Cursor    lipgloss.Style
	Selected  lipgloss.Style
	XPGain    lipgloss.Style
	XPLoss    lipgloss.Style
	XPTotal   lipgloss.Style
	Success   lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style

	// Broadcast and BroadcastLabel draw the instructor's banner.
	Broadcast, BroadcastLabel lipgloss.Style

	// Status styles the check icons.
	Status struct {
		Pass, Fail, Pending, Unknown lipgloss.Style
	}

	// Help styles the footer's key help.
	Help help.Styles

	// BarFull and BarEmpty draw the world progress bar.
	BarFull, BarEmpty lipgloss.Style
}

// palette is the set of semantic colours for one background.
type palette struct {
	accent, accent2, text, subtle, faint, pass, fail, warn, onAccent color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	c := lipgloss.Color
	return palette{
		accent:   ld(c("#1F56C9"), c("#5B8DEF")), // Kubernetes blue
		accent2:  ld(c("#8A3FD1"), c("#B58CF5")),
		text:     ld(c("#1E2430"), c("#E6E9EF")),
		subtle:   ld(c("#6B7280"), c("#8B93A5")),
		faint:    ld(c("#C9CED8"), c("#3A4150")),
		pass:     ld(c("#16803C"), c("#4ADE80")),
		fail:     ld(c("#C92A2A"), c("#F87171")),
		warn:     ld(c("#B45309"), c("#FBBF24")),
		onAccent: c("#FFFFFF"),
	}
}

// NewStyles builds the styles for a dark or light background.
func NewStyles(isDark bool) *Styles {
	p := newPalette(isDark)
	s := &Styles{Dark: isDark}
	base := lipgloss.NewStyle()
	s.App = base.Padding(1, 2, 0, 2)
	s.Page = base
	s.Title = base.Bold(true).Foreground(p.accent)
	s.Logo = base.Bold(true).Foreground(p.accent2)
	s.Header = base.Bold(true).Foreground(p.onAccent).Background(p.accent).Padding(0, 1)
	s.Badge = base.Foreground(p.accent2).Bold(true)
	s.Subtle = base.Foreground(p.subtle)
	s.Text = base.Foreground(p.text)
	s.Accent = base.Foreground(p.accent)
	s.Bold = base.Bold(true).Foreground(p.text)
	s.Box = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.faint).Padding(0, 1)
	s.BoxTitle = base.Bold(true).Foreground(p.accent2)
	s.Dialog = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.warn).Padding(1, 2)
	s.Banner = base.Bold(true).Foreground(p.onAccent).Background(p.fail).Padding(0, 1)
	s.Broadcast = base.Bold(true).Foreground(p.text)
	s.BroadcastLabel = base.Bold(true).Foreground(p.onAccent).Background(p.accent2).Padding(0, 1)
	s.Message = base.Foreground(p.subtle).PaddingLeft(4)
	s.Diagnosis = base.Foreground(p.accent).PaddingLeft(4)
	s.Viewport = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.faint)
	s.Spinner = base.Foreground(p.accent)
	s.Cursor = base.Foreground(p.accent).Bold(true)
	s.Selected = base.Foreground(p.accent).Bold(true)
	s.XPGain = base.Foreground(p.pass).Bold(true)
	s.XPLoss = base.Foreground(p.fail)
	s.XPTotal = base.Foreground(p.warn).Bold(true)
	s.Success = base.Foreground(p.pass).Bold(true)
	s.Error = base.Foreground(p.fail).Bold(true)
	s.Warn = base.Foreground(p.warn).Bold(true)
	s.Status.Pass = base.Foreground(p.pass).Bold(true)
	s.Status.Fail = base.Foreground(p.fail).Bold(true)
	s.Status.Pending = base.Foreground(p.subtle)
	s.Status.Unknown = base.Foreground(p.warn).Bold(true)
	s.Help = help.DefaultStyles(isDark)
	s.BarFull, s.BarEmpty = base.Foreground(p.pass), base.Foreground(p.faint)
	return s
}
