package ui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// BannerFor is how long an instructor's broadcast stays on a learner's
// screen.
const BannerFor = 2 * time.Minute

// bannerLines is the most lines a broadcast takes.
const bannerLines = 3

// BroadcastMsg is a message from the workshop's instructor. Sent to a
// learner's program (tea.Program.Send), it shows as a banner above every
// screen for BannerFor, or until the next one replaces it. Text is one line
// already cleaned (classroom.CleanMessage).
type BroadcastMsg struct {
	Text string
	At   time.Time
}

// bannerExpiredMsg ends the banner numbered seq.
type bannerExpiredMsg struct{ seq int }

// banner is the instructor's latest broadcast on a learner's screen.
type banner struct {
	msg BroadcastMsg
	seq int
	on  bool
}

// show puts msg up and returns the command that takes it down.
func (b *banner) show(msg BroadcastMsg) tea.Cmd {
	b.msg, b.on = msg, true
	b.seq++
	seq := b.seq
	return tea.Tick(BannerFor, func(time.Time) tea.Msg { return bannerExpiredMsg{seq: seq} })
}

// expire takes the banner down if msg is for the one on show.
func (b *banner) expire(msg bannerExpiredMsg) {
	if msg.seq == b.seq {
		b.on = false
	}
}

// view is the banner w cells wide, "" when none is on show.
func (b *banner) view(st *Styles, w int) string {
	if b == nil || !b.on {
		return ""
	}
	label := st.BroadcastLabel.Render("INSTRUCTOR " + b.msg.At.Local().Format("15:04"))
	room := max(w-lipgloss.Width(label)-1-st.Broadcast.GetHorizontalFrameSize(), 10)
	lines := strings.Split(wrap(b.msg.Text, room), "\n")
	if len(lines) > bannerLines {
		lines = lines[:bannerLines]
		lines[bannerLines-1] = ansi.Truncate(lines[bannerLines-1]+" …", room, "…")
	}
	text := st.Broadcast.Width(w - lipgloss.Width(label) - 1).Render(strings.Join(lines, "\n"))
	return lipgloss.JoinHorizontal(lipgloss.Top, label, " ", text)
}

// height is the banner's height at width w, 0 when none is on show.
func (b *banner) height(st *Styles, w int) int {
	if v := b.view(st, w); v != "" {
		return lipgloss.Height(v)
	}
	return 0
}
