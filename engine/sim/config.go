package sim

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ContextName is the kubeconfig context of the sim cluster.
const ContextName = "k8squest-sim"

// stageFS holds kwok's node/fast, node/heartbeat and pod/fast stages, copied
// from sigs.k8s.io/kwok's kustomize/stage directory at KwokVersion.
//
//go:embed stages/*.yaml
var stageFS embed.FS

// writeConfigs writes the PKI, token file, kubeconfig, kwok stages and Corefile.
func writeConfigs(l layout, ports Ports) error {
	for _, d := range []string{l.logs(), l.certs(), l.etcdData()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	if err := generatePKI(l.pki()); err != nil {
		return err
	}
	token, err := writeToken(l.token())
	if err != nil {
		return err
	}
	if err := writeKubeconfig(l, ports.API, token); err != nil {
		return err
	}
	if err := writeStages(l.stages()); err != nil {
		return err
	}
	return os.WriteFile(l.corefile(), []byte(corefile(ports.DNS, l.kubeconfig())), 0o644)
}

// writeToken writes a token-auth-file with one admin in group system:masters.
func writeToken(path string) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate admin token: %w", err)
	}
	token := hex.EncodeToString(b)
	line := token + ",admin,admin,system:masters\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		return "", fmt.Errorf("write token file: %w", err)
	}
	return token, nil
}

func writeKubeconfig(l layout, port int, token string) error {
	ca, err := os.ReadFile(l.pki().caCert())
	if err != nil {
		return fmt.Errorf("read CA: %w", err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[ContextName] = &clientcmdapi.Cluster{
		Server:                   "https://127.0.0.1:" + strconv.Itoa(port),
		CertificateAuthorityData: ca,
	}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[ContextName] = &clientcmdapi.Context{Cluster: ContextName, AuthInfo: "admin"}
	cfg.CurrentContext = ContextName
	if err := clientcmd.WriteToFile(*cfg, l.kubeconfig()); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// restConfig loads the admin client configuration from the kubeconfig.
func restConfig(path string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig %s: %w", path, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

func writeStages(path string) error {
	names, err := fs.Glob(stageFS, "stages/*.yaml")
	if err != nil {
		return fmt.Errorf("list kwok stages: %w", err)
	}
	var docs []string
	for _, n := range names {
		data, err := stageFS.ReadFile(n)
		if err != nil {
			return fmt.Errorf("read kwok stage %s: %w", n, err)
		}
		docs = append(docs, strings.TrimSpace(string(data)))
	}
	if err := os.WriteFile(path, []byte(strings.Join(docs, "\n---\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("write kwok stages: %w", err)
	}
	return nil
}

// corefile returns CoreDNS's configuration: the cluster.local zone from the
// API server, on 127.0.0.1 only. Its cache keeps no cluster.local answer,
// as kubeadm's Corefile since Kubernetes 1.32 does (so kind's nodes too):
// the zone is answered from the kubernetes plugin's watch, and a change
// shows in the next answer instead of after the old answer's TTL.
func corefile(port int, kubeconfig string) string {
	return fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig %s
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 30 {
        disable success cluster.local
        disable denial cluster.local
    }
}
`, port, kubeconfig)
}
