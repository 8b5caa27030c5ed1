package play

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/utils/ptr"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// SettleTimeout bounds how long Setup waits for the level's workloads to be
// ready before handing over to the player anyway.
const SettleTimeout = 2 * time.Minute

// settle waits, on watch events, until every Deployment and StatefulSet the
// level applied has all its replicas ready, so the player starts from the
// broken state and not from a half-started one.
func (s *Session) settle(ctx context.Context, rep cluster.Reporter) error {
	step := "wait for the level's workloads"
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	ctx, cancel := context.WithTimeout(ctx, SettleTimeout)
	defer cancel()
	w := kube.NewWatcher(s.cs, s.namespaces())
	if err := w.Start(ctx); err != nil {
		return s.failed(rep, step, err)
	}
	last := ""
	for {
		pending := s.unready(w.Snapshot())
		if len(pending) == 0 {
			rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
			return nil
		}
		if msg := strings.Join(pending, "; "); msg != last {
			rep.Report(cluster.Event{Step: step, State: cluster.StepInfo, Detail: msg})
			last = msg
		}
		select {
		case <-w.Changes():
		case <-ctx.Done():
			rep.Report(cluster.Event{Step: step, State: cluster.StepInfo, Detail: "still not ready after " + SettleTimeout.String() + "; starting anyway: " + last})
			rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
			return nil
		}
	}
}

// unready lists the level's workloads that are not fully ready yet.
func (s *Session) unready(snap *snapshot.Snapshot) []string {
	var out []string
	for _, o := range s.spec.Objects {
		ns, name, kind := o.GetNamespace(), o.GetName(), o.GetKind()
		var ready, want int32
		seen := false
		switch kind {
		case "Deployment":
			if d := snap.Deployment(ns, name); d != nil {
				seen, ready, want = true, d.Status.ReadyReplicas, ptr.Deref(d.Spec.Replicas, 1)
			}
		case "StatefulSet":
			if st := snap.StatefulSet(ns, name); st != nil {
				seen, ready, want = true, st.Status.ReadyReplicas, ptr.Deref(st.Spec.Replicas, 1)
			}
		default:
			continue
		}
		switch {
		case !seen:
			out = append(out, fmt.Sprintf("%s %s: not seen yet", kind, name))
		case ready < want:
			out = append(out, fmt.Sprintf("%s %s: %d/%d ready", kind, name, ready, want))
		}
	}
	return out
}
