package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/levels"
)

// navigate handles the messages that change screens. ok is false for any
// other message.
func (m *Model) navigate(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case bootDoneMsg:
		return m.onBooted(msg), true
	case retryBootMsg:
		m.boot = newBoot(m.c)
		return m.show(screenBoot, m.boot.Init), true
	case recreateBootMsg:
		m.boot = newBoot(m.c)
		m.boot.recreate = true
		m.boot.log = newStepLog(m.c, "Deleting the cluster and creating it again")
		return m.show(screenBoot, m.boot.Init), true
	case showMapMsg:
		m.closePlay()
		m.world = newWorldMap(m.c)
		cmd := m.cleanFinished()
		m.world.removal = m.removal
		return tea.Batch(m.show(screenMap, nil), cmd), true
	case showBriefingMsg:
		m.briefing = newBriefing(m.c, msg.Level)
		return m.show(screenBriefing, m.briefing.Init), true
	case startPlayMsg:
		m.closePlay()
		if m.removal.wait() == nil {
			m.removal = nil // its outcome was on the map; a new level begins
		}
		m.play = newPlayScreen(m.c, msg.Level, msg.Session)
		m.play.notes.broken = msg.Broken
		if !msg.Started.IsZero() {
			m.play.started = msg.Started
		}
		return m.show(screenPlay, m.play.Init), true
	case levelDoneMsg:
		m.closePlay()
		m.finished, m.finishedLevel = msg.Session, msg.Level
		m.c.Progress = msg.Progress
		m.result = newResult(m.c, msg)
		return m.show(screenResult, nil), true
	case showDebriefMsg:
		m.debrief = newDebrief(m.c, msg.Level)
		return m.show(screenDebrief, m.debrief.Init), true
	case errMsg:
		m.errs = newErrorScreen(m.c, msg, m.booted)
		return m.show(screenError, nil), true
	}
	return nil, false
}

// onBooted keeps the cluster and progress, then opens the map or the level
// asked for on the command line.
func (m *Model) onBooted(msg bootDoneMsg) tea.Cmd {
	m.booted = true
	m.c.Cluster, m.c.Progress = msg.Cluster, msg.Progress
	m.world = newWorldMap(m.c)
	if r := m.opts.Resume; r.Level != 0 {
		if l := levelByID(m.c.Backend.Levels(), r.Level); l != nil {
			return m.resume(l, r.Started)
		}
	}
	if m.opts.StartLevel == 0 {
		return m.show(screenMap, nil)
	}
	l := levelByID(m.c.Backend.Levels(), m.opts.StartLevel)
	if l == nil {
		return errorCmd(fmt.Sprintf("open level %d", m.opts.StartLevel), fmt.Errorf("there is no level %d", m.opts.StartLevel))
	}
	m.briefing = newBriefing(m.c, l)
	return m.show(screenBriefing, m.briefing.Init)
}

// show puts screen s on show, sizes it, then runs init when given. Screens
// left behind are dropped, so their spinners and clocks stop.
func (m *Model) show(s screen, init func() tea.Cmd) tea.Cmd {
	m.screen = s
	m.drop()
	m.resize()
	if init == nil {
		return nil
	}
	return init()
}

// cleanFinished removes the finished level's objects in the background: the
// level is done, and a shared cluster should not fill up with old levels.
// The map shows the removal's progress and outcome, and a level set up
// meanwhile waits for it.
func (m *Model) cleanFinished() tea.Cmd {
	s, l := m.finished, m.finishedLevel
	if s == nil || l == nil {
		return nil
	}
	m.finished, m.finishedLevel = nil, nil
	m.removal = newRemoval(m.c, l, s)
	m.c.removing = m.removal.finished
	return m.removal.start(s)
}

// closePlay stops the level being played, if any.
func (m *Model) closePlay() {
	if m.play != nil {
		m.play.Close()
		m.play = nil
	}
}

// drop forgets every screen but the map and the one on show.
func (m *Model) drop() {
	if m.screen != screenBoot {
		m.boot = nil
	}
	if m.screen != screenBriefing {
		m.briefing = nil
	}
	if m.screen != screenPlay {
		m.closePlay()
	}
	if m.screen != screenResult {
		m.result = nil
	}
	if m.screen != screenDebrief {
		m.debrief = nil
	}
	if m.screen != screenError {
		m.errs = nil
	}
}

// resume opens level l, left in play since started, and goes back to
// playing it without setting it up again.
func (m *Model) resume(l *levels.Level, started time.Time) tea.Cmd {
	be, ctx := m.c.Backend, m.c.Ctx
	return func() tea.Msg {
		s, err := be.Open(ctx, l)
		if err != nil {
			return errMsg{What: fmt.Sprintf("resume level %d", l.ID), Err: err}
		}
		return startPlayMsg{Level: l, Session: s, Started: started}
	}
}
