package game

import (
	"context"
	"fmt"
	"os"

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
	ca := c.REST.CAData
	if len(ca) == 0 && c.REST.CAFile != "" {
		b, err := os.ReadFile(c.REST.CAFile)
		if err != nil {
			rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
			return fmt.Errorf("check --advertise %s: read the cluster's CA: %w", a.Host, err)
		}
		ca = b
	}
	if err := a.Serves(ctx, ca); err != nil {
		rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
		return err
	}
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	return nil
}
