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
