package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/play"
)

func fakeObservation(clusterIP string, endpoints []string, answer ...string) fieldnotes.Observation {
	base := "web-cluster.k8squest.svc.cluster.local"
	return fieldnotes.Observation{At: t0, Services: []fieldnotes.Service{{
		Namespace: "k8squest", Name: "web-cluster", ClusterIP: clusterIP, Endpoints: endpoints,
		DNS:  fieldnotes.Answer{Name: base, Values: answer, Rcode: "NOERROR"},
		Pods: []fieldnotes.Answer{{Name: "web-0." + base, Values: []string{"10.244.0.12"}, Rcode: "NOERROR"}},
	}}}
}

// TestFieldNotesOfAPlay: the play screen observes the broken state after
// the first verdict and the fixed state at completion; the notes reach the
// backend with the completion, the result screen shows a drill that ran
// while the player was in the shell, and the debrief opens with them.
func TestFieldNotesOfAPlay(t *testing.T) {
	h := newHarness(t, Options{})
	eps := []string{"10.244.0.12 (web-0)", "10.244.0.13 (web-1)", "10.244.0.14 (web-2)"}
	h.be.sess.observations = []fieldnotes.Observation{
		fakeObservation("10.96.100.50", eps, "10.96.100.50"),
		fakeObservation("None", eps, "10.244.0.12", "10.244.0.13", "10.244.0.14"),
	}
	ch := h.playing()
	p := h.m.play
	v := play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Pass, check.Fail), failing)}
	h.verdict(ch, v)
	if !p.notes.observing {
		t.Fatal("the first verdict did not ask for the broken state's observation")
	}
	obs, _ := h.be.sess.Observe(context.Background()) // what the command returns
	h.send(observedMsg{p: p, obs: obs})
	if p.notes.broken == nil || p.notes.broken.Services[0].ClusterIP != "10.96.100.50" || p.noteVerdict(v) != nil {
		t.Fatal("the broken state was not observed once")
	}
	h.key('s', "s")
	h.finish(p.shellOp, p.prepareShell)
	if !p.notes.inShell {
		t.Fatal("the shell is not noted")
	}
	p.noteDrill(drill.Result{Passed: true, Message: "web-2 was replaced", Replaced: &drill.Replacement{Pod: "web-2", OldIP: "10.244.0.14", NewIP: "10.244.0.21",
		Deleted: t0, Ready: t0.Add(1200 * time.Millisecond), DNSFollowed: t0.Add(1500 * time.Millisecond)}})
	all := statuses(check.Pass, check.Pass, check.Pass, check.Pass, check.Pass)
	h.verdict(ch, play.Verdict{Passed: true, Results: results(all, failing)})
	h.verdict(ch, v) // taken while the drill had web-2 away
	done, ok := msgOf(t, p.completeCmd()).(levelDoneMsg)
	if !ok {
		t.Fatal("completion did not end the level")
	}
	for _, r := range done.Results {
		if !r.Passed() {
			t.Fatalf("the result screen gets a failing check from a verdict taken during the drill: %+v", r)
		}
	}
	n := h.be.notes[0]
	if n == nil || n.Broken == nil || n.Fixed == nil || n.Fixed.Services[0].ClusterIP != "None" || !n.Drill.InShell || n.Drill.DNSAfter != 300*time.Millisecond {
		t.Fatalf("notes saved with the completion: %+v", n)
	}
	h.send(done)
	if view := h.view(); !strings.Contains(view, "While you were in the shell, the drill deleted pod web-2 (IP") || !strings.Contains(view, "10.244.0.21") {
		t.Fatalf("the result screen does not show the drill:\n%s", view)
	}
	h.golden()
	h.send(showDebriefMsg{Level: done.Level})
	md := h.m.debrief.source()
	for _, want := range []string{"## On your cluster", "`web-cluster.k8squest.svc.cluster.local` answered 10.96.100.50", "Fixed: clusterIP None",
		"IP 10.244.0.14 before, 10.244.0.21 after"} {
		if !strings.Contains(md, want) {
			t.Errorf("debrief lacks %q:\n%s", want, md)
		}
	}
	if !strings.HasSuffix(md, done.Level.Debrief) {
		t.Error("the level's own debrief is not kept as written after the notes")
	}
}

// TestBrokenStateObservedAtSetup: the set-up observes the broken state before
// the player can change anything, and the play screen starts with it, so a
// fix made before the first verdict arrives is not taken for the broken state.
func TestBrokenStateObservedAtSetup(t *testing.T) {
	h := newHarness(t, Options{})
	h.be.sess.observations = []fieldnotes.Observation{fakeObservation("10.96.100.50", nil, "10.96.100.50"), fakeObservation("None", nil)}
	h.booted()
	l := level30()
	b := newBriefing(h.m.c, l)
	v, err := b.setupOp(h.be.sess, l, nil)(context.Background(), nil)
	d, ok := v.(setupDone)
	if err != nil || !ok || d.broken == nil || d.broken.Services[0].ClusterIP != "10.96.100.50" {
		t.Fatalf("set-up: %v %+v", err, v)
	}
	h.send(startPlayMsg{Level: l, Session: d.s, Broken: d.broken})
	if p := h.m.play; p.notes.broken != d.broken || p.noteVerdict(play.Verdict{Results: results(statuses(check.Fail, check.Pass, check.Pass, check.Pass, check.Fail), failing)}) != nil {
		t.Fatal("the play screen does not start from the set-up's observation")
	}
}
