package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/play"
)

// Verdict errors as engine/play's Watch makes them.
var (
	errNamespaceGone = fmt.Errorf("%w: namespace k8squest does not exist; reset the level to set it up again", play.ErrNamespaceGone)
	errAPIDown       = fmt.Errorf("%w: Get \"https://127.0.0.1:6443/readyz\": dial tcp 127.0.0.1:6443: connect: connection refused", play.ErrAPIUnreachable)
)

func brokenWith(err error) play.Verdict {
	return play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Fail, check.Fail), failing), Err: err}
}

func gone() play.Verdict {
	msgs := []string{"Service web-cluster does not exist in namespace k8squest", "StatefulSet web does not exist", "StatefulSet web does not exist", "StatefulSet web does not exist", "Service web-cluster does not exist"}
	return play.Verdict{Results: results(statuses(check.Fail, check.Fail, check.Fail, check.Fail, check.Fail), msgs), Err: errNamespaceGone}
}

func TestGoldenPlayFaults(t *testing.T) {
	cases := map[string]func(h *harness, ch chan play.Verdict){
		"NamespaceGone": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, gone())
		},
		"APIUnreachable": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, brokenWith(errAPIDown))
			h.advance(4 * time.Second)
		},
		"APIUnreachableLong": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, brokenWith(errAPIDown))
			h.advance(12 * time.Second)
		},
		"Reconnecting": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, brokenWith(errAPIDown))
			h.advance(12 * time.Second)
			h.key('c', "c")
			h.advance(3 * time.Second)
			op := h.m.play.reconnectOp
			h.event(op, "found a stale sim state; cleaning up", cluster.StepInfo, "")
			h.event(op, "start etcd", cluster.StepDone, "0.2s")
			h.event(op, "start kube-apiserver", cluster.StepStarted, "")
		},
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			ch := h.playing()
			h.advance(2*time.Minute + 15*time.Second)
			fn(h, ch)
			h.golden()
		})
	}
}

func TestNamespaceGoneOffersReset(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.verdict(ch, gone())
	if v := h.view(); !strings.Contains(v, "was deleted") || !strings.Contains(v, "Press r to reset the level") {
		t.Fatalf("banner does not offer a reset:\n%s", v)
	}
	if p.offerReconnect() {
		t.Error("a deleted namespace must not offer to start the cluster again")
	}
	h.key('r', "r")
	h.key('y', "y")
	if p.resetOp == nil {
		t.Fatal("r did not reset")
	}
	h.send(opMsg{op: p.resetOp, Done: true})
	h.verdict(ch, brokenWith(nil))
	if strings.Contains(h.view(), "was deleted") {
		t.Error("the banner stayed after the reset")
	}
}

func TestAPIOutageOffersReconnectOnlyWhenItLasts(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.verdict(ch, brokenWith(nil))
	h.verdict(ch, brokenWith(errAPIDown))
	h.advance(5 * time.Second)
	v := h.view()
	if !strings.Contains(v, "API server is unreachable") || !strings.Contains(v, "resume on their own") {
		t.Fatalf("banner:\n%s", v)
	}
	if strings.Contains(v, "press c") || h.key('c', "c") != nil || p.reconnectOp != nil {
		t.Fatal("c must do nothing during a short outage")
	}
	// The watch keeps sending while the API stays down; the outage runs from the first.
	h.verdict(ch, brokenWith(fmt.Errorf("%w: timeout", play.ErrAPIUnreachable)))
	h.advance(6 * time.Second)
	if v := h.view(); !strings.Contains(v, "press c to start or create it again") {
		t.Fatalf("no reconnect offer after 11s:\n%s", v)
	}
	// The API answering again withdraws the offer.
	h.verdict(ch, brokenWith(nil))
	if p.offerReconnect() || strings.Contains(h.view(), "unreachable") {
		t.Fatal("the offer stayed after the API answered")
	}
}

func TestReconnectWatchesTheNewSession(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.verdict(ch, brokenWith(errAPIDown))
	h.advance(15 * time.Second)
	if h.key('c', "c") == nil || p.reconnectOp == nil {
		t.Fatal("c did not start the cluster again")
	}
	if p.verdicts != nil {
		t.Error("the old watch was not stopped")
	}
	if h.key('s', "s") != nil {
		t.Error("the shell opened while the cluster was starting")
	}
	// The operation itself: Connect, then Open.
	var events []string
	v, err := p.reconnect(context.Background(), func(e cluster.Event) { events = append(events, e.Step) })
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 || !strings.Contains(events[len(events)-1], "watch level 30 on sim cluster") {
		t.Errorf("steps: %v", events)
	}
	fresh := newFakeSession("k8squest")
	cmd := h.send(opMsg{op: p.reconnectOp, Done: true, Value: Session(fresh)})
	if p.sess != fresh || p.reconnectOp != nil || p.opLog != nil || !p.downSince.IsZero() {
		t.Fatalf("after reconnect: sess %p (want %p), op %v, log %v, down since %v", p.sess, fresh, p.reconnectOp, p.opLog, p.downSince)
	}
	started, ok := msgOf(t, cmd).(watchStartedMsg)
	if !ok || started.ch != fresh.verdicts {
		t.Fatalf("reconnect must watch the new session, got %#v", started)
	}
	h.send(started)
	h.verdict(fresh.verdicts, gone())
	if !strings.Contains(h.view(), "Press r to reset the level") {
		t.Errorf("a new cluster without the level must offer a reset:\n%s", h.view())
	}
	_ = v
}

func TestReconnectFailureOffersAgain(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	p := h.m.play
	h.verdict(ch, brokenWith(errAPIDown))
	h.advance(15 * time.Second)
	h.key('c', "c")
	h.be.connErr = errors.New("no container runtime")
	if _, err := p.reconnect(context.Background(), func(cluster.Event) {}); err == nil {
		t.Fatal("reconnect ignored Connect's error")
	}
	cmd := h.send(opMsg{op: p.reconnectOp, Done: true, Err: h.be.connErr})
	if !strings.Contains(p.notice, "no container runtime") || !p.offerReconnect() {
		t.Fatalf("notice %q, offer %v", p.notice, p.offerReconnect())
	}
	if _, ok := msgOf(t, cmd).(watchStartedMsg); !ok {
		t.Fatal("after a failed reconnect the old session must be watched again")
	}
}

// ctrlC is the key press of Ctrl+C.
var ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}

func TestCtrlCQuitsFromEveryScreen(t *testing.T) {
	cases := map[string]func(h *harness){
		"boot":               func(h *harness) { h.m.Init() },
		"boot error":         func(h *harness) { h.send(errMsg{What: "start the cluster", Err: errors.New("boom")}) },
		"map":                func(h *harness) { h.booted() },
		"briefing":           func(h *harness) { h.briefing() },
		"setting up":         func(h *harness) { h.briefing(); h.send(tKey("enter")) },
		"play":               func(h *harness) { h.verdict(h.playing(), brokenWith(nil)) },
		"play dialog":        func(h *harness) { h.playing(); h.key('S', "S") },
		"play resetting":     func(h *harness) { h.playing(); h.key('r', "r"); h.key('y', "y") },
		"play drill running": func(h *harness) { h.verdict(h.playing(), passed()) },
		"play reconnecting": func(h *harness) {
			h.verdict(h.playing(), brokenWith(errAPIDown))
			h.advance(15 * time.Second)
			h.key('c', "c")
		},
		"result": func(h *harness) {
			h.booted()
			h.send(levelDoneMsg{Level: level30(), Progress: h.be.state})
		},
		"debrief": func(h *harness) { h.booted(); h.send(showDebriefMsg{Level: level30()}) },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			setup(h)
			p := h.m.play
			if _, ok := msgOf(t, h.send(ctrlC)).(tea.InterruptMsg); !ok {
				t.Fatalf("ctrl+c on screen %v does not end the game as interrupted", h.m.screen)
			}
			if h.m.c.Ctx.Err() == nil {
				t.Error("ctrl+c left the game's operations running")
			}
			if p != nil && (!p.closed || p.ctx.Err() == nil) {
				t.Error("quitting left the level's watch, drill or reset running")
			}
			if len(h.be.completed) != 0 {
				t.Error("quitting recorded a completion")
			}
		})
	}
}
