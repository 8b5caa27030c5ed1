package workshop

import (
	"context"
	"fmt"

	"github.com/k8squest/k8squest/engine/cluster"
)

// concurrentSetups is how many levels the workshop sets up or resets at
// once across learners: a class that starts together neither waits in one
// queue behind a slow image pull nor sends fifty set-ups to the API server
// in the same second. (Two set-ups at once may pick the same free cluster
// IP; the engine then picks again, at a random distance.)
const concurrentSetups = 8

// gate lets at most cap(g) set-ups or resets run at once.
type gate chan struct{}

func newGate(n int) gate { return make(gate, n) }

// do runs f once a place is free, or returns ctx's error if ctx ends
// first. When every place is taken it says so through rep, as a step that
// ends when f's turn comes.
func (g gate) do(ctx context.Context, rep cluster.Reporter, f func() error) error {
	select {
	case g <- struct{}{}:
	default:
		step := fmt.Sprintf("wait for other learners' set-ups (%d run at once)", cap(g))
		rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
		select {
		case g <- struct{}{}:
			rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
		case <-ctx.Done():
			rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: ctx.Err().Error()})
			return fmt.Errorf("wait for a set-up place: %w", ctx.Err())
		}
	}
	defer func() { <-g }()
	return f()
}
