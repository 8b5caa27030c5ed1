package kindcluster

import (
	"slices"
	"strings"
	"testing"
)

// A classroom's create config: the harness file's patch, the kubelet's
// maxPods and the /23 per node, the advertised certificate names and the
// admission plugins, all in the one config kind is given.
func TestRawConfigSizesTheNodesForAClass(t *testing.T) {
	o := CreateOptions{ConfigFile: writeConfig(t, harnessConfig), MaxPods: 260, Advertise: Advertise{Host: "10.1.2.3"}}
	raw, err := o.RawConfig()
	if err != nil {
		t.Fatal(err)
	}
	c := decodeConfig(t, raw)
	patches := c.KubeadmConfigPatches
	if len(patches) != 4 || !strings.Contains(patches[0], "failCgroupV1: false") ||
		patches[1] != "kind: KubeletConfiguration\nmaxPods: 260\n" ||
		!strings.Contains(patches[2], "certSANs") || patches[3] != wantAdmissionPatch {
		t.Fatalf("kubeadm patches %q: want the file's, maxPods 260, the certificate names, then the admission plugins", patches)
	}
	if len(c.KubeadmConfigPatchesJSON6902) != 1 || !strings.Contains(c.KubeadmConfigPatchesJSON6902[0].Patch, "node-cidr-mask-size") ||
		!strings.Contains(c.KubeadmConfigPatchesJSON6902[0].Patch, `value: "23"`) {
		t.Fatalf("JSON 6902 patches %+v: want node-cidr-mask-size 23", c.KubeadmConfigPatchesJSON6902)
	}
	if !c.Networking.DisableDefaultCNI || c.Networking.APIServerAddress != "10.1.2.3" {
		t.Fatalf("networking %+v: want the file's and the advertised address", c.Networking)
	}
}

// Without MaxPods the kubelet keeps its default: no maxPods patch.
func TestRawConfigWithoutMaxPodsKeepsTheKubeletDefault(t *testing.T) {
	c, err := CreateOptions{}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.KubeadmConfigPatches, []string{wantAdmissionPatch}) || len(c.KubeadmConfigPatchesJSON6902) != 0 {
		t.Fatalf("patches %q %+v: want the admission patch only", c.KubeadmConfigPatches, c.KubeadmConfigPatchesJSON6902)
	}
}

func TestValidateRefusesAnImpossibleMaxPods(t *testing.T) {
	for _, pods := range []int{-1, MaxNodePods + 1} {
		if err := (CreateOptions{MaxPods: pods}).Validate(); err == nil || !strings.Contains(err.Error(), "maxPods") {
			t.Errorf("Validate(MaxPods %d) = %v, want an error naming maxPods", pods, err)
		}
	}
	if err := (CreateOptions{MaxPods: 260}).Validate(); err != nil {
		t.Errorf("Validate(MaxPods 260) = %v", err)
	}
}

// A class's controller-manager writes at the rate the class needs; the
// patch comes before the admission one, which stays last.
func TestRawConfigSizesTheControllerRateForAClass(t *testing.T) {
	c, err := CreateOptions{Learners: 50}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := "kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    kube-api-qps: \"200\"\n    kube-api-burst: \"300\"\n"
	if !slices.Equal(c.KubeadmConfigPatches, []string{want, wantAdmissionPatch}) {
		t.Fatalf("patches %q: want the controller rate for 50, then the admission plugins", c.KubeadmConfigPatches)
	}
	if err := (CreateOptions{Learners: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "learners") {
		t.Errorf("Validate(Learners -1) = %v, want an error naming learners", err)
	}
}
