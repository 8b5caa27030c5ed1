package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/score"
)

var failing = []string{
	"Service web-cluster holds one virtual IP, 10.96.100.50, for all its pods: a client cannot pick a pod by it",
	"StatefulSet web's pods are named under Service web-cluster, and the Service leads to them (3 running)",
	"3/3 replicas ready",
	"web-0.web-cluster.k8squest.svc.cluster.local: NXDOMAIN (want 10.244.0.12)",
	"web-cluster.k8squest.svc.cluster.local answers one address, 10.96.100.50, not the 3 ready pods (10.244.0.12, 10.244.0.13, 10.244.0.14); peers cannot find each other by it",
}

func TestGoldenBoot(t *testing.T) {
	h := newHarness(t, Options{})
	h.m.Init()
	h.advance(14 * time.Second)
	h.event(h.m.boot.op, "Build the sim binaries", cluster.StepDone, "")
	h.event(h.m.boot.op, "Start the sim control plane", cluster.StepStarted, "")
	h.event(h.m.boot.op, "Start the sim control plane", cluster.StepInfo, "etcd listening on 127.0.0.1:23790")
	h.golden()
}

func TestGoldenBootError(t *testing.T) {
	h := newHarness(t, Options{})
	h.send(errMsg{What: "start the cluster", Err: errors.New("no container runtime: install Docker or Podman, or use --provider sim")})
	h.golden()
}

func TestGoldenMap(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	h.golden()
}

func TestGoldenMapComplete(t *testing.T) {
	h := newHarness(t, Options{})
	h.completed(270)
	h.booted()
	h.golden()
}

func TestGoldenBriefing(t *testing.T) {
	h := newHarness(t, Options{})
	h.briefing()
	h.golden()
}

func TestGoldenBriefingSetup(t *testing.T) {
	h := newHarness(t, Options{})
	h.briefing()
	h.send(tKey("enter"))
	h.advance(3 * time.Second)
	op := h.m.briefing.op
	h.event(op, "delete what an earlier attempt left", cluster.StepDone, "")
	h.event(op, "create the broken state of level 30 in namespace k8squest", cluster.StepStarted, "")
	h.event(op, "create the broken state of level 30 in namespace k8squest", cluster.StepInfo, "waiting for StatefulSet web: 1/3 ready")
	h.golden()
}

func TestGoldenPlay(t *testing.T) {
	cases := map[string]func(h *harness, ch chan play.Verdict){
		"AllPending": func(*harness, chan play.Verdict) {},
		"Failing": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Fail, check.Fail), failing)})
		},
		"DNSUnknown": func(h *harness, ch chan play.Verdict) {
			msgs := append([]string(nil), failing...)
			msgs[3], msgs[4] = "DNS unreachable: dial udp 10.96.0.10:53: i/o timeout", ""
			h.verdict(ch, play.Verdict{Results: results(statuses(check.Pass, check.Pass, check.Pass, check.Unknown, check.Unknown), msgs)})
		},
		"DrillRunning": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, passed())
			op := h.m.play.drill.op
			h.send(opMsg{op: op, Step: &drill.Step{At: t0.Add(time.Minute), Message: "deleted pod web-2 (IP 10.244.0.14)"}})
			h.send(opMsg{op: op, Step: &drill.Step{At: t0.Add(time.Minute + 4*time.Second), Message: "web-2 is back on 10.244.0.19; waiting for its DNS record"}})
		},
		"DrillFailed": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, passed())
			h.send(opMsg{op: h.m.play.drill.op, Done: true, Value: drill.Result{Message: "web-2.web-cluster still answers 10.244.0.14 after 30s"}})
		},
		"APIError": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Fail, check.Fail), failing), Err: errors.New("dial tcp 127.0.0.1:6443: connect: connection refused")})
		},
		"HintConfirm": func(h *harness, _ chan play.Verdict) {
			h.key('h', "h")
		},
		"HintOpened": func(h *harness, _ chan play.Verdict) {
			h.key('h', "h")
			h.key('y', "y")
			h.send(h.m.play.renderHelpCmd()())
			h.m.play.vp.GotoTop()
			h.m.play.vp.ScrollDown(8)
		},
		"SolutionConfirm": func(h *harness, _ chan play.Verdict) {
			h.key('S', "S")
		},
		"ResetConfirm": func(h *harness, _ chan play.Verdict) {
			h.key('r', "r")
		},
		"ShellPreparing": func(h *harness, _ chan play.Verdict) {
			h.key('s', "s")
			h.event(h.m.play.shellOp, "set up the player's identity in namespace k8squest", cluster.StepStarted, "")
		},
		"NoShell": func(h *harness, _ chan play.Verdict) {
			h.key('s', "s")
			h.send(opMsg{op: h.m.play.shellOp, Done: true, Err: errors.New("not connected to a cluster")})
		},
		"BusyDrill": func(h *harness, ch chan play.Verdict) {
			h.verdict(ch, passed())
			h.key('r', "r")
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

func TestGoldenResult(t *testing.T) {
	for name, gained := range map[string]int{"FirstTime": 210, "Replay": 0} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.booted()
			o := score.Outcome{LevelXP: 300, HintCosts: []int{30, 60}, Seconds: 754, Resets: 1}
			h.completed(210)
			h.send(levelDoneMsg{Level: level30(), Outcome: o, Breakdown: score.Score(o), Award: awardOf(gained), Progress: h.be.state})
			h.golden()
		})
	}
}

func TestGoldenDebrief(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	h.send(showDebriefMsg{Level: level30()})
	h.send(h.m.debrief.renderCmd()())
	h.key('j', "j")
	h.key('j', "j")
	h.golden()
}

func TestGoldenMapRemoval(t *testing.T) {
	cases := map[string]error{"Running": nil, "Failed": errors.New(`delete namespace k8squest: namespaces "k8squest" is forbidden: User "alice" cannot delete resource "namespaces"`)}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{})
			h.finishLevel30()
			h.send(showMapMsg{})
			h.advance(4 * time.Second)
			if err != nil {
				h.send(opMsg{op: h.m.removal.op, Done: true, Err: err})
			}
			h.golden()
		})
	}
}

// TestGoldenResultDiagnoses: once the level is complete, the result screen
// shows every check's diagnosis.
func TestGoldenResultDiagnoses(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	o := score.Outcome{LevelXP: 300, HintCosts: []int{30}, Seconds: 312}
	rs := results(statuses(check.Pass, check.Pass, check.Pass, check.Pass, check.Pass), []string{
		"Service web-cluster holds no virtual IP of its own: its name leads to the pods themselves",
		"StatefulSet web's pods are named under Service web-cluster, and the Service leads to them (3 running)",
		"StatefulSet web: 3 of 3 replicas ready",
		"web-0.web-cluster.k8squest.svc.cluster.local → 10.244.0.12",
		"web-cluster.k8squest.svc.cluster.local answers the 3 ready pod IPs",
	})
	rs[0].Diagnosis = "Service web-cluster has clusterIP: None (headless)"
	rs[1].Diagnosis = "StatefulSet web has serviceName web-cluster, and the Service's selector app=web-cluster matches its pods (3 running)"
	h.send(levelDoneMsg{Level: level30(), Outcome: o, Breakdown: score.Score(o), Award: awardOf(270), Progress: h.be.state, Results: rs})
	view := h.view()
	if !strings.Contains(view, "clusterIP: None (headless)") {
		t.Errorf("the result screen does not show the diagnosis:\n%s", view)
	}
	h.golden()
}
