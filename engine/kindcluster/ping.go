package kindcluster

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/k8squest/k8squest/engine/cluster"
)

// PingTimeout bounds one check that the API server answers.
const PingTimeout = 5 * time.Second

// APIStartTimeout is how long a starting API server (after its node
// container was started, or while Docker Desktop boots) gets to answer
// /readyz.
const APIStartTimeout = time.Minute

// APIPollInterval is how often a starting API server is asked again: it
// cannot be watched until it answers.
const APIPollInterval = time.Second

// stepAPI is the progress step of the wait for a starting API server.
const stepAPI = "Waiting for the API server"

// pinger checks that the API server behind cfg answers.
type pinger func(ctx context.Context, cfg *rest.Config) error

// pingAPI asks the API server's /readyz within PingTimeout.
func pingAPI(ctx context.Context, cfg *rest.Config) error {
	c := rest.CopyConfig(cfg)
	c.Timeout = PingTimeout
	dc, err := discovery.NewDiscoveryClientForConfig(c)
	if err != nil {
		return fmt.Errorf("API client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	if err := dc.RESTClient().Get().AbsPath("/readyz").Do(ctx).Error(); err != nil {
		return fmt.Errorf("API server not ready: %w", err)
	}
	return nil
}

// apiWait bounds the wait for a starting API server: budget in all,
// asking every interval.
type apiWait struct{ budget, interval time.Duration }

// waitAPI gives a starting API server up to w.budget to answer /readyz.
// The step is shown only when the first ask fails.
func waitAPI(ctx context.Context, ping pinger, cfg *rest.Config, rep cluster.Reporter, w apiWait) error {
	budget := w.budget
	last := ping(ctx, cfg)
	if last == nil {
		return nil
	}
	rep.Report(cluster.Event{Step: stepAPI, State: cluster.StepStarted, Detail: "up to " + budget.String()})
	err := wait.PollUntilContextTimeout(ctx, w.interval, budget, false, func(ctx context.Context) (bool, error) {
		last = ping(ctx, cfg)
		return last == nil, nil
	})
	if err == nil {
		rep.Report(cluster.Event{Step: stepAPI, State: cluster.StepDone})
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("wait for the API server: %w", ctx.Err())
	}
	rep.Report(cluster.Event{Step: stepAPI, State: cluster.StepFailed, Detail: last.Error()})
	return fmt.Errorf("the API server did not answer within %s: %w", budget, last)
}

// clientsetFor builds a clientset for cfg.
func clientsetFor(cfg *rest.Config) (kubernetes.Interface, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("API client: %w", err)
	}
	return cs, nil
}
