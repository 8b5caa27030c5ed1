package kindcluster

import (
	"reflect"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
)

func TestLoggerTranslatesKindStatus(t *testing.T) {
	var got []cluster.Event
	l := newLogger(func(e cluster.Event) { got = append(got, e) })
	l.V(0).Infof(" • Preparing nodes 📦  ...\n")
	l.Warn("cgroup v1 is deprecated")
	l.V(0).Infof(" ✓ Preparing nodes 📦\n")
	l.V(0).Infof(" • Starting control-plane 🕹️  ...\n")
	l.V(0).Infof(" ✗ Starting control-plane 🕹️\n")
	l.V(1).Info("debug noise")
	want := []cluster.Event{
		{Step: "Preparing nodes 📦", State: cluster.StepStarted},
		{Step: "Preparing nodes 📦", State: cluster.StepInfo, Detail: "warning: cgroup v1 is deprecated"},
		{Step: "Preparing nodes 📦", State: cluster.StepDone},
		{Step: "Starting control-plane 🕹️", State: cluster.StepStarted},
		{Step: "Starting control-plane 🕹️", State: cluster.StepFailed},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events\n%+v\nwant\n%+v", got, want)
	}
	if l.V(1).Enabled() || !l.V(0).Enabled() {
		t.Fatal("only level 0 should be enabled")
	}
}

func TestLoggerKeepsNonStatusBulletsAsDetails(t *testing.T) {
	var got []cluster.Event
	l := newLogger(func(e cluster.Event) { got = append(got, e) })
	l.V(0).Infof(" • Waiting ≤ 3m0s for control-plane = Ready ⏳  ...\n")
	l.V(0).Info(" • WARNING: Timed out waiting for Ready ⚠️")
	l.V(0).Infof(" • Ready after %s 💚", "12s")
	l.V(0).Infof(" ✓ Waiting ≤ 3m0s for control-plane = Ready ⏳\n")
	step := "Waiting ≤ 3m0s for control-plane = Ready ⏳"
	want := []cluster.Event{
		{Step: step, State: cluster.StepStarted},
		{Step: step, State: cluster.StepInfo, Detail: "WARNING: Timed out waiting for Ready ⚠️"},
		{Step: step, State: cluster.StepInfo, Detail: "Ready after 12s 💚"},
		{Step: step, State: cluster.StepDone},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events\n%+v\nwant\n%+v", got, want)
	}
}
