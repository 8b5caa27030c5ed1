package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/score"
	"github.com/k8squest/k8squest/levels"
)

// Common is what every screen shares: the backend, the size of the area a
// screen may draw in, styles, keys, the clock and the player's progress.
type Common struct {
	// Ctx is the program's context; operations derive theirs from it.
	Ctx     context.Context
	Backend Backend
	// Width and Height are the size of a screen's area, without the app
	// frame and the help footer.
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	// Now is the clock; tests inject a fixed one.
	Now func() time.Time
	// Progress is the player's saved progress, refreshed after each level.
	Progress progress.State
	// Cluster describes the connected cluster.
	Cluster string
	// removing closes when the background removal of the last finished
	// level has ended; nil when there was none.
	removing <-chan struct{}
}

// page is what the root model needs from a screen. Screens are not tea.Models:
// only the root returns a tea.View.
type page interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	help.KeyMap
}

// errMsg carries a failure to the error screen.
type errMsg struct {
	// What says what the game was doing.
	What string
	Err  error
}

// Error implements error.
func (e errMsg) Error() string { return fmt.Sprintf("%s: %v", e.What, e.Err) }

// errorCmd returns a command that shows err on the error screen.
func errorCmd(what string, err error) tea.Cmd {
	return send(errMsg{What: what, Err: err})
}

// send returns a command that delivers msg; screens use it to ask the root
// to change screens.
func send(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}

// Navigation messages: a screen asks the root to move on.
type (
	// bootDoneMsg says the cluster is up and progress is loaded.
	bootDoneMsg struct {
		Cluster  string
		Progress progress.State
	}
	// showMapMsg goes back to the world map.
	showMapMsg struct{}
	// showBriefingMsg opens a level's briefing.
	showBriefingMsg struct{ Level *levels.Level }
	// startPlayMsg starts playing a level whose broken state is set up.
	startPlayMsg struct {
		Level   *levels.Level
		Session Session
		// Broken is what the cluster showed right after the set-up, for
		// the field notes; nil when it could not be observed.
		Broken *fieldnotes.Observation
		// Started, when set, is when the level was started before: the
		// play screen's clock resumes from it.
		Started time.Time
	}
	// levelDoneMsg says a level was completed and recorded.
	levelDoneMsg struct {
		Level *levels.Level
		// Session is the finished level, torn down when the player leaves it.
		Session   Session
		Outcome   score.Outcome
		Breakdown score.Breakdown
		Award     progress.Award
		Progress  progress.State
		// Results are the final verdict's checks, diagnoses included.
		Results []check.Result
		// Notes are the play's field notes.
		Notes *fieldnotes.Notes
	}
	// showDebriefMsg opens a level's debrief.
	showDebriefMsg struct{ Level *levels.Level }
)

// levelByID returns the level numbered id, or nil.
func levelByID(ls []*levels.Level, id int) *levels.Level {
	for _, l := range ls {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// clock formats a duration as mm:ss, or h:mm:ss past an hour.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// signed formats an XP amount with its sign.
func signed(xp int) string {
	if xp > 0 {
		return fmt.Sprintf("+%d XP", xp)
	}
	if xp < 0 {
		return fmt.Sprintf("−%d XP", -xp)
	}
	return "0 XP"
}
