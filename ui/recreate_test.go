package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
)

// errUnhealthy is a boot error like the kind provider's for a half-made cluster.
var errUnhealthy = fmt.Errorf("kind cluster: %w: node k8squest-control-plane is NotReady: cni plugin not initialized", cluster.ErrUnhealthy)

func TestUnhealthyBootOffersRecreate(t *testing.T) {
	h := newHarness(t, Options{})
	h.send(errMsg{What: "start the cluster", Err: errUnhealthy})
	if v := h.view(); !strings.Contains(v, "NotReady") || !strings.Contains(v, "D to delete the cluster and create it again") {
		t.Fatalf("the error screen does not give the reason and the way out:\n%s", v)
	}
	if cmd := h.key('D', "D"); cmd != nil {
		t.Fatal("D must ask first, not re-create at once")
	}
	if v := h.view(); !strings.Contains(v, "Delete the cluster and create it again?") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	if _, ok := msgOf(t, h.key('y', "y")).(recreateBootMsg); !ok {
		t.Fatal("y confirms the re-creation")
	}
	h.send(recreateBootMsg{})
	if h.m.screen != screenBoot || !h.m.boot.recreate {
		t.Fatalf("screen %v, recreate %v: want a boot that re-creates", h.m.screen, h.m.boot != nil && h.m.boot.recreate)
	}
	op := h.m.boot.op
	go op.run(h.m.boot.connect)()
	for {
		msg := op.wait()()
		if m := msg.(opMsg); m.Done {
			if m.Err != nil || h.be.recreates != 1 {
				t.Fatalf("boot ended with %v after %d Recreate calls, want one", m.Err, h.be.recreates)
			}
			return
		}
	}
}

func TestUnhealthyBootRecreateCanBeDeclined(t *testing.T) {
	h := newHarness(t, Options{})
	h.send(errMsg{What: "start the cluster", Err: errUnhealthy})
	h.key('D', "D")
	if cmd := h.key('n', "n"); cmd != nil {
		t.Fatal("n must go back to the error, nothing else")
	}
	if _, ok := msgOf(t, h.key('x', "x")).(retryBootMsg); !ok {
		t.Fatal("after declining, any key retries")
	}
}

func TestOtherBootErrorsOfferNoRecreate(t *testing.T) {
	h := newHarness(t, Options{})
	h.send(errMsg{What: "start the cluster", Err: errors.New("boom")})
	if strings.Contains(h.view(), "D to delete") {
		t.Fatal("a plain error offers to delete the cluster")
	}
	if _, ok := msgOf(t, h.key('D', "D")).(retryBootMsg); !ok {
		t.Fatal("D is any key here: it retries")
	}
}
