package kindcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

func TestNodeMask(t *testing.T) {
	for pods, want := range map[int]int{1: 30, 110: 25, 253: 24, 254: 23, 260: 23, 509: 23, 510: 22} {
		if got := nodeMask(pods); got != want {
			t.Errorf("nodeMask(%d) = /%d, want /%d", pods, got, want)
		}
	}
}

// maxPodsConfig is the config in file base (or the one-node default) with
// WithMaxPods(n), as YAML.
func maxPodsConfig(base string, n int) ([]byte, error) {
	c, err := baseConfig(base)
	if err != nil {
		return nil, err
	}
	if err := WithMaxPods(c, n); err != nil {
		return nil, err
	}
	return yaml.Marshal(c)
}

// decodeConfig reads a config back as kind does (strictly).
func decodeConfig(t *testing.T, raw []byte) *v1alpha4.Cluster {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kind.yaml")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (CreateOptions{ConfigFile: path}).Validate(); err != nil {
		t.Fatalf("the config does not validate: %v\n%s", err, raw)
	}
	var c v1alpha4.Cluster
	if err := yaml.UnmarshalStrict(raw, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func TestWithMaxPodsRaisesMaxPods(t *testing.T) {
	raw, err := maxPodsConfig("", 200)
	if err != nil {
		t.Fatal(err)
	}
	c := decodeConfig(t, raw)
	if len(c.KubeadmConfigPatches) != 1 || len(c.KubeadmConfigPatchesJSON6902) != 0 || len(c.Nodes) != 1 {
		t.Fatalf("200 pods fit a /24: want one kubelet patch only; got\n%s", raw)
	}
	var kc struct {
		Kind    string
		MaxPods int
	}
	if err := yaml.Unmarshal([]byte(c.KubeadmConfigPatches[0]), &kc); err != nil || kc.Kind != "KubeletConfiguration" || kc.MaxPods != 200 {
		t.Errorf("kubelet patch %q: %+v, %v", c.KubeadmConfigPatches[0], kc, err)
	}
}

// TestWithMaxPodsForFiftyLearners: level 30 on kind takes 5 pods per
// learner (its 3, a shell pod, a spare), so 50 learners and the cluster's
// own 10 pods need 260, more than a node's /24 holds.
func TestWithMaxPodsForFiftyLearners(t *testing.T) {
	base := filepath.Join(t.TempDir(), "harness.yaml")
	harness := "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches:\n- |\n  kind: KubeletConfiguration\n  failCgroupV1: false\n"
	if err := os.WriteFile(base, []byte(harness), 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := maxPodsConfig(base, 50*5+10)
	if err != nil {
		t.Fatal(err)
	}
	c := decodeConfig(t, raw)
	if len(c.KubeadmConfigPatches) != 2 || !strings.Contains(c.KubeadmConfigPatches[0], "failCgroupV1") || !strings.Contains(c.KubeadmConfigPatches[1], "maxPods: 260") {
		t.Errorf("the harness's patch is kept and maxPods added: %q", c.KubeadmConfigPatches)
	}
	if len(c.KubeadmConfigPatchesJSON6902) != 1 || !strings.Contains(c.KubeadmConfigPatchesJSON6902[0].Patch, `value: "23"`) {
		t.Fatalf("no /23 per node: %+v", c.KubeadmConfigPatchesJSON6902)
	}
	var ops []struct {
		Op, Path string
		Value    map[string]string
	}
	if err := yaml.Unmarshal([]byte(c.KubeadmConfigPatchesJSON6902[0].Patch), &ops); err != nil || len(ops) != 1 ||
		ops[0].Op != "add" || ops[0].Value["name"] != "node-cidr-mask-size" {
		t.Errorf("the JSON 6902 patch: %+v, %v", ops, err)
	}
}

func TestWithMaxPodsRefusesBadInput(t *testing.T) {
	for _, pods := range []int{0, -1, 5000} {
		if _, err := maxPodsConfig("", pods); err == nil || !strings.Contains(err.Error(), "maxPods") {
			t.Errorf("WithMaxPods(%d) = %v, want an error naming maxPods", pods, err)
		}
	}
	if _, err := maxPodsConfig(filepath.Join(t.TempDir(), "none.yaml"), 100); err == nil {
		t.Error("a missing base config was accepted")
	}
}
