package kindcluster

import (
	"fmt"
	"os"
	"strings"

	kind "sigs.k8s.io/kind/pkg/cluster"
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
	// still called ClusterName, and AdmissionPlugins are still turned on.
	ConfigFile string
	// Advertise, when its Host is set, publishes the API server for other
	// machines (a classroom's learners) and names Host in its certificate.
	Advertise Advertise
	// MaxPods, when above zero, is every node's kubelet maxPods (its
	// default is 110), with each node's pod range widened when that many
	// addresses need it (WithMaxPods): `classroom serve --learners`.
	MaxPods int
	// Learners, when above zero, sizes kube-controller-manager's API
	// client rate for a class of that many (cluster.ControllerRate):
	// `classroom serve --learners`.
	Learners int
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
	if o.Advertise != (Advertise{}) {
		if err := o.Advertise.Validate(); err != nil {
			return err
		}
	}
	if o.MaxPods != 0 {
		if err := validMaxPods(o.MaxPods); err != nil {
			return err
		}
	}
	if o.Learners < 0 {
		return fmt.Errorf("learners %d: a class has no fewer than 0 learners", o.Learners)
	}
	if o.ConfigFile == "" {
		return nil
	}
	_, err := readConfig(o.ConfigFile)
	return err
}

// kindOptions are the create options o adds after the game's own: the
// node image, which kind applies over every node of the config.
func (o CreateOptions) kindOptions() []kind.CreateOption {
	var opts []kind.CreateOption
	if o.NodeImage != "" {
		opts = append(opts, kind.CreateWithNodeImage(o.NodeImage))
	}
	return opts
}

// CreateOptions are the options p creates a cluster with.
func (p *Provider) CreateOptions() CreateOptions { return p.opts.CreateOptions }
