package kindcluster

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	kind "sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/yaml"
)

// EnvNodeImage and EnvConfigFile name the environment variables that give
// CreateOptions' defaults to `k8squest cluster up`.
const (
	EnvNodeImage  = "K8SQUEST_KIND_IMAGE"
	EnvConfigFile = "K8SQUEST_KIND_CONFIG"
)

// CreateOptions are what a user may pass to kind's create, as kind's own
// --image and --config do. Zero values keep kind's defaults.
type CreateOptions struct {
	// NodeImage is the node image for every node (kind's --image).
	NodeImage string
	// ConfigFile is a kind Cluster config (kind.x-k8s.io/v1alpha4) used in
	// place of the game's one-node config (kind's --config). The cluster is
	// still called ClusterName.
	ConfigFile string
}

// CreateOptionsFromEnv returns the options $K8SQUEST_KIND_IMAGE and
// $K8SQUEST_KIND_CONFIG give.
func CreateOptionsFromEnv() CreateOptions {
	return CreateOptions{
		NodeImage:  strings.TrimSpace(os.Getenv(EnvNodeImage)),
		ConfigFile: strings.TrimSpace(os.Getenv(EnvConfigFile)),
	}
}

// Validate checks that the config file can be read and is a kind Cluster
// config, so that a mistake is reported before anything is created.
func (o CreateOptions) Validate() error {
	if strings.ContainsAny(o.NodeImage, " \t\n") {
		return fmt.Errorf("node image %q: an image reference has no spaces", o.NodeImage)
	}
	if o.ConfigFile == "" {
		return nil
	}
	raw, err := os.ReadFile(o.ConfigFile)
	if err != nil {
		return fmt.Errorf("read kind config: %w", err)
	}
	var c v1alpha4.Cluster
	if err := yaml.UnmarshalStrict(raw, &c); err != nil {
		return fmt.Errorf("kind config %s: %w", o.ConfigFile, err)
	}
	if c.Kind != "Cluster" || c.APIVersion != "kind.x-k8s.io/v1alpha4" {
		return fmt.Errorf("kind config %s: kind %q, apiVersion %q: want kind Cluster, apiVersion kind.x-k8s.io/v1alpha4",
			o.ConfigFile, c.Kind, c.APIVersion)
	}
	return nil
}

// kindOptions are the create options o adds after the game's own; a config
// file replaces the game's config because kind applies options in order.
func (o CreateOptions) kindOptions() []kind.CreateOption {
	var opts []kind.CreateOption
	if o.ConfigFile != "" {
		opts = append(opts, kind.CreateWithConfigFile(o.ConfigFile))
	}
	if o.NodeImage != "" {
		opts = append(opts, kind.CreateWithNodeImage(o.NodeImage))
	}
	return opts
}
