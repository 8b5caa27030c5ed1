package kindcluster

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

// AdmissionPlugins are the admission plugins the game's kind clusters turn
// on in the API server, on top of kube-apiserver's default ones.
// NodeRestriction is kubeadm's own choice, which naming the list would
// otherwise drop; DenyServiceExternalIPs refuses every new Service
// externalIP (CVE-2020-8554), as the sim's API server does.
var AdmissionPlugins = []string{"NodeRestriction", "DenyServiceExternalIPs"}

// admissionFlag is the kube-apiserver flag that lists the plugins.
const admissionFlag = "enable-admission-plugins"

// admissionPatch is a kubeadm ClusterConfiguration merge patch that sets
// the API server's enable-admission-plugins to plugins. It names no
// apiVersion, so kind applies it to kubeadm's v1beta3 and v1beta4 alike,
// and writes extraArgs as a map, which kind turns into v1beta4's list and
// merges by name with the args kind sets itself.
func admissionPatch(plugins []string) string {
	return "kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    " + admissionFlag + ": " + strings.Join(plugins, ",") + "\n"
}

// withAdmission appends to c's kubeadm patches the one that turns on
// AdmissionPlugins, keeping every plugin c's own patches turn on: kind
// applies patches in order, so the last one's list is the one kept.
func withAdmission(c *v1alpha4.Cluster) *v1alpha4.Cluster {
	var plugins []string
	for _, p := range c.KubeadmConfigPatches {
		plugins = appendNew(plugins, enabledPlugins(p)...)
	}
	plugins = appendNew(plugins, AdmissionPlugins...)
	c.KubeadmConfigPatches = append(c.KubeadmConfigPatches, admissionPatch(plugins))
	return c
}

// enabledPlugins returns the plugins a kubeadm patch turns on, when it is a
// ClusterConfiguration patch naming enable-admission-plugins in the API
// server's extraArgs, as a map (v1beta3) or a list (v1beta4).
func enabledPlugins(patch string) []string {
	var doc struct {
		Kind      string `json:"kind"`
		APIServer struct {
			ExtraArgs any `json:"extraArgs"`
		} `json:"apiServer"`
	}
	if err := yaml.Unmarshal([]byte(patch), &doc); err != nil || doc.Kind != "ClusterConfiguration" {
		return nil
	}
	var value string
	switch args := doc.APIServer.ExtraArgs.(type) {
	case map[string]any:
		value, _ = args[admissionFlag].(string)
	case []any:
		for _, a := range args {
			if arg, ok := a.(map[string]any); ok && arg["name"] == admissionFlag {
				value, _ = arg["value"].(string)
			}
		}
	}
	var plugins []string
	for _, p := range strings.Split(value, ",") {
		plugins = appendNew(plugins, strings.TrimSpace(p))
	}
	return plugins
}

// appendNew appends to list each of items that is not empty and not in
// list yet.
func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if it != "" && !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// clusterConfig is the kind config a create uses: the config file's when
// o names one (kind's --config), else one control-plane node with kind's
// defaults; either way with room for o.MaxPods pods per node when set,
// the controller-manager's client rate sized for o.Learners when set,
// with AdmissionPlugins turned on, and published as o.Advertise says.
func (o CreateOptions) clusterConfig() (*v1alpha4.Cluster, error) {
	c, err := baseConfig(o.ConfigFile)
	if err != nil {
		return nil, err
	}
	if o.MaxPods != 0 {
		if err := WithMaxPods(c, o.MaxPods); err != nil {
			return nil, err
		}
	}
	if o.Learners > 0 {
		c = withControllerRate(c, o.Learners)
	}
	if o.Advertise.Host != "" {
		if err := o.Advertise.Validate(); err != nil {
			return nil, err
		}
		c = withAdvertise(c, o.Advertise)
	}
	return withAdmission(c), nil
}

// RawConfig is the kind config a create with o uses, as YAML: what
// `k8squest cluster up` passes kind, for a cluster of another name (tests)
// or for the record.
func (o CreateOptions) RawConfig() ([]byte, error) {
	c, err := o.clusterConfig()
	if err != nil {
		return nil, err
	}
	out, err := yaml.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode kind config: %w", err)
	}
	return out, nil
}

// baseConfig is the kind config in file path, or, when path is "", one
// control-plane node with kind's defaults.
func baseConfig(path string) (*v1alpha4.Cluster, error) {
	if path != "" {
		return readConfig(path)
	}
	return &v1alpha4.Cluster{
		TypeMeta: v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
		Name:     ClusterName,
		Nodes:    []v1alpha4.Node{{Role: v1alpha4.ControlPlaneRole}},
	}, nil
}

// readConfig reads a kind Cluster config file, strictly: an unknown field
// is an error naming the file.
func readConfig(path string) (*v1alpha4.Cluster, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read kind config: %w", err)
	}
	var c v1alpha4.Cluster
	if err := yaml.UnmarshalStrict(raw, &c); err != nil {
		return nil, fmt.Errorf("kind config %s: %w", path, err)
	}
	if c.Kind != "Cluster" || c.APIVersion != "kind.x-k8s.io/v1alpha4" {
		return nil, fmt.Errorf("kind config %s: kind %q, apiVersion %q: want kind Cluster, apiVersion kind.x-k8s.io/v1alpha4",
			path, c.Kind, c.APIVersion)
	}
	return &c, nil
}
