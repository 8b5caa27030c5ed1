package kindcluster

import (
	"fmt"
	"math/bits"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// defaultNodeMask is the prefix of the pod range the controller-manager
// gives each node unless told otherwise (/24: 253 pod addresses).
const defaultNodeMask = 24

// WithMaxPods lets every node's kubelet run maxPods pods (its default is
// 110), and, when that many addresses do not fit a node's /24 pod range,
// widens the range each node gets (the controller-manager's
// node-cidr-mask-size). It adds kubeadm patches to c.
func WithMaxPods(c *v1alpha4.Cluster, maxPods int) error {
	if err := validMaxPods(maxPods); err != nil {
		return err
	}
	mask := nodeMask(maxPods)
	c.KubeadmConfigPatches = append(c.KubeadmConfigPatches, fmt.Sprintf(
		"kind: KubeletConfiguration\nmaxPods: %d\n", maxPods))
	if mask < defaultNodeMask {
		c.KubeadmConfigPatchesJSON6902 = append(c.KubeadmConfigPatchesJSON6902, v1alpha4.PatchJSON6902{
			Group: "kubeadm.k8s.io", Version: "v1beta4", Kind: "ClusterConfiguration",
			Patch: fmt.Sprintf("- op: add\n  path: /controllerManager/extraArgs/-\n  value: {name: node-cidr-mask-size, value: \"%d\"}\n", mask),
		})
	}
	return nil
}

// MaxNodePods is the most pods WithMaxPods gives a node: a /20 pod range.
const MaxNodePods = 4093

// validMaxPods checks that a node can be given maxPods pods.
func validMaxPods(maxPods int) error {
	if maxPods < 1 || maxPods > MaxNodePods {
		return fmt.Errorf("kind config: maxPods %d: want 1 to %d pods per node", maxPods, MaxNodePods)
	}
	return nil
}

// nodeMask is the longest prefix whose range holds n pod addresses besides
// the network, gateway and broadcast addresses.
func nodeMask(n int) int {
	return 32 - bits.Len(uint(max(n, 1)+2))
}
