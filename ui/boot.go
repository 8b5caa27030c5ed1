package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/k8squest/k8squest/engine/cluster"
)

// boot connects to the cluster and loads the player's progress, showing the
// steps as they happen.
type boot struct {
	c    *Common
	log  *stepLog
	op   *operation
	w, h int
	// recreate asks the backend to delete an unhealthy cluster and create
	// it again (the player chose it on the error screen).
	recreate bool
}

// newBoot returns the boot screen.
func newBoot(c *Common) *boot {
	return &boot{c: c, log: newStepLog(c, "Starting the cluster")}
}

// SetSize implements page.
func (b *boot) SetSize(w, h int) { b.w, b.h = w, h }

// ShortHelp implements help.KeyMap.
func (b *boot) ShortHelp() []key.Binding {
	return []key.Binding{b.c.Keys.Global.ForceQuit}
}

// FullHelp implements help.KeyMap.
func (b *boot) FullHelp() [][]key.Binding { return [][]key.Binding{b.ShortHelp()} }

// Init starts connecting.
func (b *boot) Init() tea.Cmd {
	b.op = newOperation(b.c.Ctx)
	return tea.Batch(b.op.start(b.connect), b.log.Tick())
}

// Update implements page.
func (b *boot) Update(msg tea.Msg) tea.Cmd {
	m, ok := msg.(opMsg)
	if !ok || m.op != b.op {
		return b.log.Update(msg)
	}
	if m.Event != nil {
		b.log.Add(*m.Event)
		return b.op.wait()
	}
	b.log.Finish(m.Err)
	if m.Err != nil {
		return errorCmd("start the cluster", m.Err)
	}
	return send(m.Value.(bootDoneMsg))
}

// View implements page.
func (b *boot) View() string {
	st := b.c.Styles
	head := lipgloss.JoinVertical(lipgloss.Left,
		st.Logo.Render(logo),
		st.Subtle.Render("Kubernetes, learned by fixing a real cluster."),
		"",
	)
	body := b.log.View(b.w-st.Box.GetHorizontalFrameSize(), b.h-lipgloss.Height(head)-st.Box.GetVerticalFrameSize())
	return lipgloss.JoinVertical(lipgloss.Left, head, st.Box.Width(b.w).Render(body))
}

// connect is the boot operation: Connect, then Progress.
func (b *boot) connect(ctx context.Context, rep cluster.Reporter) (any, error) {
	connect := b.c.Backend.Connect
	if b.recreate {
		connect = b.c.Backend.Recreate
	}
	desc, err := connect(ctx, rep)
	if err != nil {
		return nil, err
	}
	st, err := b.c.Backend.Progress()
	if err != nil {
		return nil, fmt.Errorf("load progress: %w", err)
	}
	return bootDoneMsg{Cluster: desc, Progress: st}, nil
}

// logo is the game's name as shown on the boot and title screens.
const logo = "⎈ k8squest"
