package kindcluster

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

const wantAdmissionPatch = `kind: ClusterConfiguration
apiServer:
  extraArgs:
    enable-admission-plugins: NodeRestriction,DenyServiceExternalIPs
`

func TestClusterConfigWithoutFileTurnsOnAdmissionPlugins(t *testing.T) {
	c, err := CreateOptions{}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != ClusterName || len(c.Nodes) != 1 || c.Nodes[0].Role != v1alpha4.ControlPlaneRole {
		t.Fatalf("config %+v, want one control-plane node of cluster %s", c, ClusterName)
	}
	if !slices.Equal(c.KubeadmConfigPatches, []string{wantAdmissionPatch}) {
		t.Fatalf("kubeadm patches %q, want only\n%s", c.KubeadmConfigPatches, wantAdmissionPatch)
	}
}

// The harness's own config (scripts/kind/up.sh): its kubelet patch and
// networking stay, and the admission patch comes after.
const harnessConfig = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/16
nodes:
- role: control-plane
kubeadmConfigPatches:
- |
  kind: KubeletConfiguration
  failCgroupV1: false
`

func TestClusterConfigMergesTheConfigFile(t *testing.T) {
	c, err := CreateOptions{ConfigFile: writeConfig(t, harnessConfig)}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kind: KubeletConfiguration\nfailCgroupV1: false\n", wantAdmissionPatch}
	if !slices.Equal(c.KubeadmConfigPatches, want) {
		t.Fatalf("kubeadm patches %q, want %q", c.KubeadmConfigPatches, want)
	}
	if !c.Networking.DisableDefaultCNI || c.Networking.PodSubnet != "10.244.0.0/16" || c.Networking.ServiceSubnet != "10.96.0.0/16" {
		t.Fatalf("networking %+v, want the file's", c.Networking)
	}
	if len(c.Nodes) != 1 || c.Nodes[0].Role != v1alpha4.ControlPlaneRole {
		t.Fatalf("nodes %+v, want the file's one control-plane node", c.Nodes)
	}
}

// A config that names plugins of its own keeps them: the game's patch,
// applied last, lists them before its own.
func TestClusterConfigKeepsTheFilesPlugins(t *testing.T) {
	body := harnessConfig + `- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      enable-admission-plugins: "PodNodeSelector, NodeRestriction"
- |
  kind: ClusterConfiguration
  apiVersion: kubeadm.k8s.io/v1beta4
  apiServer:
    extraArgs:
    - name: audit-log-maxage
      value: "3"
    - name: enable-admission-plugins
      value: AlwaysPullImages,DenyServiceExternalIPs
`
	c, err := CreateOptions{ConfigFile: writeConfig(t, body)}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.KubeadmConfigPatches); n != 4 {
		t.Fatalf("%d kubeadm patches, want the file's 3 and the game's", n)
	}
	last := c.KubeadmConfigPatches[3]
	want := []string{"PodNodeSelector", "NodeRestriction", "AlwaysPullImages", "DenyServiceExternalIPs"}
	if got := enabledPlugins(last); !slices.Equal(got, want) {
		t.Fatalf("the game's patch turns on %q, want %q:\n%s", got, want, last)
	}
}

func TestEnabledPluginsIgnoresOtherPatches(t *testing.T) {
	for _, p := range []string{
		"kind: KubeletConfiguration\nfailCgroupV1: false\n",
		"kind: InitConfiguration\napiServer:\n  extraArgs:\n    enable-admission-plugins: AlwaysPullImages\n",
		"kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    enable-admission-plugins: AlwaysPullImages\n",
		"not: [yaml",
	} {
		if got := enabledPlugins(p); got != nil {
			t.Errorf("enabledPlugins(%q) = %q, want none", p, got)
		}
	}
}

func TestCreateOptionsReportABadConfigFile(t *testing.T) {
	path := writeConfig(t, harnessConfig+"bogus: 1\n")
	p := New(Options{StateDir: t.TempDir(), CreateOptions: CreateOptions{ConfigFile: path}})
	if _, err := p.createOptions(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), `unknown field "bogus"`) {
		t.Fatalf("createOptions = %v, want an error naming %s and the field", err, path)
	}
}
