package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/play"
)

// The play screen keeps field notes: what the cluster showed once the broken
// state was up, and after the fix, and what the drill saw. They are saved
// with the completion and open the debrief.

// notesState is what the play screen has observed so far.
type notesState struct {
	broken    *fieldnotes.Observation
	observing bool
	drill     *fieldnotes.Drill
	// inShell is set while the game's shell runs; drillInShell when the
	// drill ran, or ended, while it did.
	inShell, drillInShell bool
	// passing are the results of the latest verdict that passed: what the
	// result screen shows, rather than a verdict taken while the drill
	// had a pod away.
	passing []check.Result
}

// setupDone is a finished set-up: the session, and the broken state as the
// cluster showed it right then, before the player can change anything.
type setupDone struct {
	s      Session
	broken *fieldnotes.Observation
}

// observeSetup observes the broken state just set up; nil when it cannot,
// and the play screen asks again with its first verdict.
func observeSetup(ctx context.Context, s Session) *fieldnotes.Observation {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	obs, err := s.Observe(ctx)
	if err != nil {
		return nil
	}
	return &obs
}

// observedMsg delivers an observation of the broken state.
type observedMsg struct {
	p   *playScreen
	obs fieldnotes.Observation
	err error
}

// noteVerdict asks for the broken state's observation once a first verdict
// shows the cluster readable and the level not solved.
func (p *playScreen) noteVerdict(v play.Verdict) tea.Cmd {
	if v.Passed && v.Err == nil {
		p.notes.passing = v.Results
	}
	if p.notes.broken != nil || p.notes.observing || v.Err != nil || v.Passed {
		return nil
	}
	p.notes.observing = true
	s, ctx := p.sess, p.ctx
	return func() tea.Msg {
		obs, err := s.Observe(ctx)
		return observedMsg{p: p, obs: obs, err: err}
	}
}

// handleObserved keeps the broken state's observation; a failed one is
// asked again with the next verdict.
func (p *playScreen) handleObserved(msg observedMsg) {
	if msg.p != p {
		return
	}
	p.notes.observing = false
	if msg.err == nil {
		p.notes.broken = &msg.obs
	}
}

// finalResults are the results the result screen shows: those of the
// latest passing verdict, or the latest verdict when none passed.
func (p *playScreen) finalResults() []check.Result {
	if p.notes.passing != nil {
		return p.notes.passing
	}
	return p.verdict.Results
}

// noteDrill keeps the drill's outcome for the notes.
func (p *playScreen) noteDrill(r drill.Result) {
	p.notes.drill = play.DrillNote(r, p.notes.inShell || p.notes.drillInShell)
}

// noteShell tracks whether the player is in the shell while the drill runs.
func (p *playScreen) noteShell(in bool) {
	p.notes.inShell = in
	if in && p.drill.state == drillRunning {
		p.notes.drillInShell = true
	}
}

// fieldNotes observes the fixed state and returns the play's notes; it runs
// inside the completion command.
func fieldNotes(ctx context.Context, s Session, level int, ns string, n notesState) *fieldnotes.Notes {
	notes := &fieldnotes.Notes{Level: level, Namespace: ns, Broken: n.broken, Drill: n.drill}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if obs, err := s.Observe(ctx); err == nil {
		notes.Fixed = &obs
	}
	return notes
}

// drillSeenView is the result screen's account of a drill the player could
// not watch because the game's shell was open.
func (r *result) drillSeenView() string {
	n := r.done.Notes
	if n == nil || n.Drill == nil || !n.Drill.InShell {
		return ""
	}
	st := r.c.Styles
	d := n.Drill
	inner := r.w - st.Box.GetHorizontalFrameSize()
	text := "While you were in the shell, the drill ran: " + d.Message
	if d.Pod != "" {
		text = fmt.Sprintf("While you were in the shell, the drill deleted pod %s (IP %s). Its replacement was Ready with IP %s after %s", d.Pod, d.OldIP, d.NewIP, d.ReadyAfter.Round(10*time.Millisecond))
		if d.Passed {
			text += fmt.Sprintf(", and DNS answered the new IP %s later.", d.DNSAfter.Round(10*time.Millisecond))
		} else {
			text += "; DNS did not follow: " + d.Message
		}
	}
	return st.Box.Width(r.w).Render(st.BoxTitle.Render("The drill") + "\n" + st.Text.Render(wrap(text, inner)))
}

// source is the debrief's markdown: the field notes of the level's latest
// completion, when there are any, then the level's own debrief unchanged.
func (d *debrief) source() string {
	if rec := d.c.Progress.Levels[d.level.ID]; rec != nil && rec.Notes != nil && rec.Notes.Level == d.level.ID {
		return rec.Notes.Markdown(d.level.Debrief) + d.level.Debrief
	}
	return d.level.Debrief
}
