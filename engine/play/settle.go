package play

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/utils/ptr"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// SettleTimeout is how long Setup waits for the level's workloads while
// nothing changes and nothing is being pulled or created; then it hands
// over to the player anyway. Every change, and every image pull in
// progress, starts this wait again.
const SettleTimeout = 2 * time.Minute

// SettleMax bounds the whole wait, however long pulls keep progressing.
const SettleMax = 10 * time.Minute

// ErrCannotStart says the level's workloads cannot start by themselves: an
// image cannot be pulled, or no node can take a pod.
var ErrCannotStart = errors.New("the level's pods cannot start")

// settleLimits bounds the waits of settle; tests shorten them.
type settleLimits struct {
	// idle is SettleTimeout; max is SettleMax.
	idle, max time.Duration
	// pull is how long an image may fail to pull (ErrImagePull,
	// ImagePullBackOff) before Setup gives up; the kubelet retries after
	// 10, 20, 40 s, so a passing registry hiccup is over by then.
	pull time.Duration
	// unschedulable is how long the scheduler may fail to place a pod.
	unschedulable time.Duration
}

var defaultSettleLimits = settleLimits{idle: SettleTimeout, max: SettleMax, pull: 90 * time.Second, unschedulable: 30 * time.Second}

// settle waits, on the events of w (whose Start reports on started), until
// every Deployment and StatefulSet the level applied has all its replicas
// ready, so the player starts from the broken state and not from a
// half-started one. It reports what each waiting pod waits for, and gives
// up with ErrCannotStart when a pod stays blocked.
func (s *Session) settle(ctx context.Context, rep cluster.Reporter, w *kube.Watcher, started <-chan error) error {
	step := "wait for the level's workloads"
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	if err := <-started; err != nil {
		return s.failed(rep, step, err)
	}
	t := newSettleTracker(s.limits, time.Now())
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		d := t.observe(time.Now(), s.assess(w.Snapshot()))
		if d.report != "" {
			rep.Report(cluster.Event{Step: step, State: cluster.StepInfo, Detail: d.report})
		}
		switch {
		case d.err != nil:
			return s.failed(rep, step, fmt.Errorf("level %d: %w", s.spec.Level, d.err))
		case d.done:
			rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
			return nil
		}
		timer.Reset(time.Until(d.wake))
		select {
		case <-w.Changes():
		case <-timer.C:
		case <-ctx.Done():
			return s.failed(rep, step, fmt.Errorf("wait for the level's workloads: %w", context.Cause(ctx)))
		}
	}
}

// settleState is what the level's workloads are doing.
type settleState struct {
	// lines say, per workload not ready yet, what it and its pods wait for.
	lines []string
	// progress is true while a pod is being scheduled, pulled or created.
	progress bool
	// blocked maps a pod (namespace/name) to its wait when it cannot start
	// by itself.
	blocked map[string]check.PodWait
}

// assess lists the level's workloads that are not fully ready yet, with
// what each of their pods waits for.
func (s *Session) assess(snap *snapshot.Snapshot) settleState {
	st := settleState{blocked: map[string]check.PodWait{}}
	for _, o := range s.spec.Objects {
		ns, name, kind := o.GetNamespace(), o.GetName(), o.GetKind()
		var ready, want int32
		var sel map[string]string
		seen := false
		switch kind {
		case "Deployment":
			if d := snap.Deployment(ns, name); d != nil {
				seen, ready, want, sel = true, d.Status.ReadyReplicas, ptr.Deref(d.Spec.Replicas, 1), d.Spec.Template.Labels
			}
		case "StatefulSet":
			if x := snap.StatefulSet(ns, name); x != nil {
				seen, ready, want, sel = true, x.Status.ReadyReplicas, ptr.Deref(x.Spec.Replicas, 1), x.Spec.Template.Labels
			}
		default:
			continue
		}
		if !seen {
			st.lines = append(st.lines, fmt.Sprintf("%s %s: not seen yet", kind, name))
			st.progress = true
			continue
		}
		if ready >= want {
			continue
		}
		line := fmt.Sprintf("%s %s: %d/%d ready", kind, name, ready, want)
		var waits []string
		for _, p := range snap.PodsMatching(ns, sel) {
			if snapshot.PodReady(p) {
				continue
			}
			pw := check.WaitOf(p)
			waits = append(waits, pw.Text)
			switch pw.Kind {
			case check.WaitProgress:
				st.progress = true
			case check.WaitBlocked:
				st.blocked[ns+"/"+p.Name] = pw
			case check.WaitUnknown, check.WaitFailing:
			}
		}
		if len(waits) > 0 {
			line += ": " + strings.Join(waits, "; ")
		}
		st.lines = append(st.lines, line)
	}
	return st
}

// settleTracker decides, from one observation to the next, whether settle
// is done, should report, give up or hand over anyway, and when to look
// again when no event comes.
type settleTracker struct {
	lim          settleLimits
	start        time.Time
	lastProgress time.Time
	last         string
	// blockedSince is when each blocked pod was first seen blocked, for as
	// long as it stays blocked.
	blockedSince map[string]time.Time
}

// settleDecision is what settle does after one observation.
type settleDecision struct {
	// done ends the wait successfully (the level is ready, or it is
	// handed over anyway after a report saying so).
	done bool
	// report, when not empty, is a line to show.
	report string
	// err ends the wait with an error.
	err error
	// wake is when to look again if no event comes first.
	wake time.Time
}

func newSettleTracker(lim settleLimits, now time.Time) *settleTracker {
	return &settleTracker{lim: lim, start: now, lastProgress: now, blockedSince: map[string]time.Time{}}
}

// observe takes one look at the workloads' state at time now.
func (t *settleTracker) observe(now time.Time, st settleState) settleDecision {
	if len(st.lines) == 0 {
		return settleDecision{done: true}
	}
	var d settleDecision
	if text := strings.Join(st.lines, "; "); text != t.last {
		t.last, t.lastProgress, d.report = text, now, text
	}
	if st.progress {
		t.lastProgress = now
	}
	d.wake = earliest(t.lastProgress.Add(t.lim.idle), t.start.Add(t.lim.max))
	for pod := range t.blockedSince {
		if _, still := st.blocked[pod]; !still {
			delete(t.blockedSince, pod)
		}
	}
	for pod, w := range st.blocked {
		since, ok := t.blockedSince[pod]
		if !ok {
			since, t.blockedSince[pod] = now, now
		}
		limit := t.lim.unschedulable
		if w.Pulling() {
			limit = t.lim.pull
		}
		if now.Sub(since) >= limit {
			d.err = blockedError(pod, w, now.Sub(since))
			return d
		}
		d.wake = earliest(d.wake, since.Add(limit))
	}
	switch {
	case !now.Before(t.start.Add(t.lim.max)):
		d.done, d.report = true, fmt.Sprintf("still not ready after %s; starting anyway: %s", t.lim.max, t.last)
	case !now.Before(t.lastProgress.Add(t.lim.idle)):
		d.done, d.report = true, fmt.Sprintf("no change for %s; starting anyway: %s", t.lim.idle, t.last)
	}
	return d
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// blockedError says which pod cannot start, why, for how long, and what the
// player can do about it.
func blockedError(pod string, w check.PodWait, since time.Duration) error {
	since = since.Round(time.Second)
	if w.Pulling() {
		return fmt.Errorf("%w: pod %s: image %s could not be pulled for %s: %s. "+
			"If the registry limits pulls from this address (Docker Hub answers \"toomanyrequests\"), pull the image once on this machine "+
			"and load it into the cluster (kind: `kind load docker-image %s --name k8squest`), then reset the level",
			ErrCannotStart, pod, w.Image, since, w.Text, w.Image)
	}
	return fmt.Errorf("%w: pod %s could not be scheduled for %s: %s. "+
		"Make room on a node (tear down levels you no longer play) or add a node, then reset the level",
		ErrCannotStart, pod, since, w.Text)
}
