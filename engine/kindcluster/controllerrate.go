package kindcluster

import (
	"fmt"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/k8squest/k8squest/engine/cluster"
)

// controllerRatePatch is a kubeadm ClusterConfiguration merge patch that
// sets kube-controller-manager's kube-api-qps and kube-api-burst. Like
// admissionPatch it names no apiVersion and writes extraArgs as a map,
// which kind merges by name with the arguments it sets itself.
func controllerRatePatch(qps, burst int) string {
	return fmt.Sprintf("kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    kube-api-qps: \"%d\"\n    kube-api-burst: \"%d\"\n", qps, burst)
}

// withControllerRate appends to c's kubeadm patches the one that lets the
// controller-manager write as fast as a class of learners fixing at once
// needs (cluster.ControllerRate).
func withControllerRate(c *v1alpha4.Cluster, learners int) *v1alpha4.Cluster {
	qps, burst := cluster.ControllerRate(learners)
	c.KubeadmConfigPatches = append(c.KubeadmConfigPatches, controllerRatePatch(qps, burst))
	return c
}
