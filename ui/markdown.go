package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/glamour/v2/styles"
)

const (
	// glamourGutter is glamour's own left margin.
	glamourGutter = 3
	// maxMarkdownWidth caps the wrap width so long lines stay readable.
	maxMarkdownWidth = 120
	// minMarkdownWidth keeps tiny terminals from wrapping every word.
	minMarkdownWidth = 20
)

// RenderMarkdown renders md for a terminal width columns wide, with the dark
// or light style. It is pure: colours are downsampled by whoever prints it.
func RenderMarkdown(md string, width int, dark bool) (string, error) {
	style := styles.DarkStyleConfig
	if !dark {
		style = styles.LightStyleConfig
	}
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(wrapWidth(width)))
	if err != nil {
		return "", fmt.Errorf("markdown renderer: %w", err)
	}
	out, err := r.Render(md)
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return strings.TrimRight(out, "\n "), nil
}

// wrapWidth is the word-wrap width for an area width columns wide.
func wrapWidth(width int) int {
	return max(min(width-glamourGutter, maxMarkdownWidth), minMarkdownWidth)
}

// markdownMsg is a rendered document, tagged with what asked for it and the
// width it was rendered for so stale renders can be dropped.
type markdownMsg struct {
	Key   string
	Width int
	Dark  bool
	Out   string
	Err   error
}

// renderMarkdownCmd renders md off the event loop.
func renderMarkdownCmd(key, md string, width int, dark bool) tea.Cmd {
	return func() tea.Msg {
		out, err := RenderMarkdown(md, width, dark)
		return markdownMsg{Key: key, Width: width, Dark: dark, Out: out, Err: err}
	}
}
