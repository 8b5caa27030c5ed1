package cluster

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// WriteTokenKubeconfig writes to path a kubeconfig for c's API server that
// authenticates with token (a ServiceAccount's, say) and defaults to
// namespace ns.
func WriteTokenKubeconfig(c *Cluster, user, token, ns, path string) error {
	cfg := clientcmdapi.NewConfig()
	cl := clientcmdapi.NewCluster()
	cl.Server = c.REST.Host
	cl.InsecureSkipTLSVerify = c.REST.Insecure
	ca, err := c.CAData()
	if err != nil {
		return err
	}
	cl.CertificateAuthorityData = ca
	name := c.Name
	cfg.Clusters[name] = cl
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[user] = &clientcmdapi.Context{Cluster: name, AuthInfo: user, Namespace: ns}
	cfg.CurrentContext = user
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}

// CAData is the CA certificate c's API server is verified with, from the
// client configuration or the file it names; empty when it names none.
func (c *Cluster) CAData() ([]byte, error) {
	if len(c.REST.CAData) > 0 || c.REST.CAFile == "" {
		return c.REST.CAData, nil
	}
	data, err := os.ReadFile(c.REST.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read the cluster's CA %s: %w", c.REST.CAFile, err)
	}
	return data, nil
}

// SetKubeconfigServer points every cluster of the kubeconfig at path at
// server (such as https://class.example:6443, a classroom's advertised
// API address), keeping its CA and credentials.
func SetKubeconfigServer(path, server string) error {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return fmt.Errorf("read kubeconfig %s: %w", path, err)
	}
	for _, cl := range cfg.Clusters {
		cl.Server = server
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}
