package game

import (
	"errors"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/currentcluster"
)

// unprotected is what the preflight finds for an identity that may set
// levels up but not put the quota or the admission policies in place.
var unprotected = &currentcluster.Access{Context: "ctx-a", User: "alice", Unprotected: []string{
	"ResourceQuota and LimitRange (may not create, update resourcequotas in ws-ann)",
	"admission policies on Services (may not create validatingadmissionpolicies.admissionregistration.k8s.io)",
}}

func gameWith(t *testing.T, o Options) *Game {
	t.Helper()
	x, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestSharedGameRefusedWithoutProtections: playing in a namespace of one's
// own (-n), or as a classroom, is refused while a protection is missing,
// naming each one and the flag.
func TestSharedGameRefusedWithoutProtections(t *testing.T) {
	for name, o := range map[string]Options{
		"-n":        {Namespace: "ws-ann"},
		"classroom": {Shared: true},
	} {
		_, err := gameWith(t, o).checkProtections(unprotected)
		if !errors.Is(err, ErrUnprotected) {
			t.Fatalf("%s: err = %v, want ErrUnprotected", name, err)
		}
		for _, want := range append([]string{`context "ctx-a"`, `(user "alice")`, "--allow-unprotected"}, unprotected.Unprotected...) {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: message lacks %q:\n%v", name, want, err)
			}
		}
	}
	_, err := gameWith(t, Options{Namespace: "ws-ann"}).checkProtections(unprotected)
	if !strings.Contains(err.Error(), "namespace ws-ann (-n)") {
		t.Errorf("message does not say why the game counts as shared:\n%v", err)
	}
}

// TestSharedGameAllowedWithTheFlag: with AllowUnprotected the shared game
// runs, and the warning names every missing protection loudly.
func TestSharedGameAllowedWithTheFlag(t *testing.T) {
	w, err := gameWith(t, Options{Namespace: "ws-ann", AllowUnprotected: true}).checkProtections(unprotected)
	if err != nil {
		t.Fatalf("refused despite the flag: %v", err)
	}
	for _, want := range append([]string{"WARNING", "--allow-unprotected"}, unprotected.Unprotected...) {
		if !strings.Contains(w, want) {
			t.Errorf("warning lacks %q: %s", want, w)
		}
	}
}

// TestUnsharedOrProtectedGameGoesOn: one player in the levels' own
// namespace is only warned (by the preflight's warning lines), and a
// shared game with every protection goes on quietly.
func TestUnsharedOrProtectedGameGoesOn(t *testing.T) {
	for name, tc := range map[string]struct {
		o   Options
		acc *currentcluster.Access
	}{
		"no -n":              {Options{}, unprotected},
		"-n the level's own": {Options{Namespace: "k8squest"}, unprotected},
		"shared, protected":  {Options{Namespace: "ws-ann"}, &currentcluster.Access{Context: "ctx-a"}},
	} {
		if w, err := gameWith(t, tc.o).checkProtections(tc.acc); err != nil || w != "" {
			t.Errorf("%s: warning %q, err %v; want neither", name, w, err)
		}
	}
}
