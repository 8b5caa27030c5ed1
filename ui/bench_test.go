package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// debrief30KB is a generated debrief of about 30 KB.
var debrief30KB = debriefMarkdown(29)

func TestDebriefSize(t *testing.T) {
	if n := len(debrief30KB); n < 28_000 || n > 34_000 {
		t.Fatalf("generated debrief is %d bytes, want ~30 KB", n)
	}
}

func TestRenderMarkdownWraps(t *testing.T) {
	for _, dark := range []bool{true, false} {
		out, err := RenderMarkdown(debriefMarkdown(1), 60, dark)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(l); w > 60 {
				t.Fatalf("line %q is %d wide", ansi.Strip(l), w)
			}
		}
	}
	if w := wrapWidth(400); w != maxMarkdownWidth {
		t.Fatalf("wrap width %d, want the cap", w)
	}
}

// BenchmarkFirstFrame builds the root model for `k8squest play 30` at
// 100x30, renders the briefing and draws the first frame.
func BenchmarkFirstFrame(b *testing.B) {
	be := newFakeBackend()
	for b.Loop() {
		m := New(context.Background(), be, Options{StartLevel: 30})
		m.c.Now = func() time.Time { return t0 }
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		m.Update(bootDoneMsg{Cluster: "sim", Progress: be.state})
		m.Update(m.briefing.renderCmd()())
		_ = m.View()
	}
}

// BenchmarkRenderDebrief renders a ~30 KB debrief at width 100.
func BenchmarkRenderDebrief(b *testing.B) {
	b.SetBytes(int64(len(debrief30KB)))
	for b.Loop() {
		if _, err := RenderMarkdown(debrief30KB, 100, true); err != nil {
			b.Fatal(err)
		}
	}
}
