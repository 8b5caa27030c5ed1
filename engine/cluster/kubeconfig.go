package cluster

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// WriteNamespacedKubeconfig writes to path a self-contained copy of c's
// kubeconfig whose current context defaults to namespace ns, so that kubectl
// in the player's shell lands in the level's namespace.
func WriteNamespacedKubeconfig(c *Cluster, ns, path string) error {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: c.Kubeconfig}
	over := &clientcmd.ConfigOverrides{CurrentContext: c.Context}
	raw, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, over).RawConfig()
	if err != nil {
		return fmt.Errorf("read kubeconfig %s: %w", c.Kubeconfig, err)
	}
	if c.Context != "" {
		raw.CurrentContext = c.Context
	}
	if err := clientcmdapi.MinifyConfig(&raw); err != nil {
		return fmt.Errorf("read kubeconfig %s: %w", c.Kubeconfig, err)
	}
	if err := clientcmdapi.FlattenConfig(&raw); err != nil {
		return fmt.Errorf("read kubeconfig %s: %w", c.Kubeconfig, err)
	}
	raw.Contexts[raw.CurrentContext].Namespace = ns
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := clientcmd.WriteToFile(raw, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}
