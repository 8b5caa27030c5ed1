package workshop

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

// TestGateBoundsAndSays: with two places, two set-ups run at once and the
// third waits, saying so, until one ends; a wait whose context ends
// returns the context's error and never runs its set-up.
func TestGateBoundsAndSays(t *testing.T) {
	g := newGate(2)
	release := make(chan struct{})
	running := make(chan struct{}, 3)
	hold := func() error { running <- struct{}{}; <-release; return nil }
	for range 2 {
		go func() { _ = g.do(context.Background(), nil, hold) }()
	}
	<-running
	<-running

	events := make(chan cluster.Event, 4)
	third := make(chan error, 1)
	go func() {
		third <- g.do(context.Background(), func(e cluster.Event) { events <- e }, func() error { running <- struct{}{}; return nil })
	}()
	if e := <-events; e.State != cluster.StepStarted || e.Step != "wait for other learners' set-ups (2 run at once)" {
		t.Fatalf("the waiting set-up said %+v", e)
	}
	select {
	case <-running:
		t.Fatal("a third set-up ran while two held the gate")
	case <-time.After(50 * time.Millisecond):
	}
	release <- struct{}{}
	if err := <-third; err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.State != cluster.StepDone {
		t.Errorf("the wait ended with %+v", e)
	}

	ctx, cancel := context.WithCancel(context.Background())
	g2 := newGate(1)
	g2 <- struct{}{}
	cancel()
	ran := false
	err := g2.do(ctx, nil, func() error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("a cancelled wait: err %v, ran %v", err, ran)
	}
	close(release)
}
