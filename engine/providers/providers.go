// Package providers chooses and builds a cluster provider by name.
package providers

import (
	"github.com/k8squest/k8squest/engine/cluster"
)

// Names lists the provider names in the order they are documented.
var Names = []string{"kind", "current", "sim"}

// EnvProvider is the environment variable that picks a provider when no flag does.
const EnvProvider = "K8SQUEST_PROVIDER"

// Options configure every provider.
type Options struct {
	// Kubeconfig and Context are honoured by the current provider as kubectl does.
	Kubeconfig string
	Context    string
	// Reporter receives progress events from long operations.
	Reporter cluster.Reporter
	// CacheDir and StateDir override the XDG directories (tests use them).
	CacheDir string
	StateDir string
}

// Get returns the provider called name. An empty name means: $K8SQUEST_PROVIDER,
// else kind when Docker or Podman answers, else sim. The returned reason says
// why that provider was chosen, for the game to show.
func Get(name string, o Options) (p cluster.Provider, reason string, err error) {
	panic("TODO(helper-providers): implement")
}
