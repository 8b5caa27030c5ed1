package game

import (
	"context"
	"fmt"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
)

// checkAdvertised checks, when the game advertises a kind cluster, that
// the cluster it reached serves the advertised address. One created
// earlier without --advertise does not, and the learners' kubeconfigs
// would name an address that refuses them.
func checkAdvertised(ctx context.Context, c *cluster.Cluster, a kindcluster.Advertise, rep cluster.Reporter) error {
	if a.Host == "" || c.Provider != "kind" || c.REST == nil {
		return nil
	}
	step := "check the advertised address " + a.Server()
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	ca, err := c.CAData()
	if err != nil {
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return fmt.Errorf("check --advertise %s: %w", a.Host, err)
	}
	if err := a.Serves(ctx, ca); err != nil {
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return err
	}
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	return nil
}
