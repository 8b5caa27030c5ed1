package play

import (
	"testing"

	"github.com/k8squest/k8squest/engine/check"
)

// TestChangedSeesTheDiagnosis: a verdict whose symptom stays the same while
// its diagnosis changes (another Service now holds the nodePort) is a
// change the player can see once the diagnosis is revealed.
func TestChangedSeesTheDiagnosis(t *testing.T) {
	r := check.Result{ID: "nodeport", Status: check.Fail, Message: "answers on port 31447, not on 30080", Diagnosis: "the API server picked 31447"}
	a := Verdict{Results: []check.Result{r}}
	r.Diagnosis = "nodePort 30080 is already held by Service web-nodeport in namespace p2"
	b := Verdict{Results: []check.Result{r}}
	if !changed(a, b) {
		t.Fatal("a new diagnosis is not a change")
	}
	if changed(a, a) {
		t.Fatal("the same verdict is a change")
	}
}
