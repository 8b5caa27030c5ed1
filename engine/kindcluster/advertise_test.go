package kindcluster

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestAdvertiseAName(t *testing.T) {
	c, err := CreateOptions{ConfigFile: writeConfig(t, harnessConfig), Advertise: Advertise{Host: "class.example.org"}}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.Networking.APIServerAddress != "0.0.0.0" || c.Networking.APIServerPort != DefaultAdvertisePort {
		t.Fatalf("networking %+v, want the API server on 0.0.0.0:%d", c.Networking, DefaultAdvertisePort)
	}
	sans := "kind: ClusterConfiguration\napiServer:\n  certSANs:\n  - \"class.example.org\"\n"
	want := []string{"kind: KubeletConfiguration\nfailCgroupV1: false\n", sans, wantAdmissionPatch}
	if !slices.Equal(c.KubeadmConfigPatches, want) {
		t.Fatalf("kubeadm patches %q, want %q", c.KubeadmConfigPatches, want)
	}
	if !c.Networking.DisableDefaultCNI || c.Networking.PodSubnet != "10.244.0.0/16" {
		t.Fatalf("networking %+v lost the file's settings", c.Networking)
	}
}

func TestAdvertiseAnIPListensOnIt(t *testing.T) {
	a := Advertise{Host: "192.0.2.7", Port: 7443}
	c, err := CreateOptions{Advertise: a}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.Networking.APIServerAddress != "192.0.2.7" || c.Networking.APIServerPort != 7443 {
		t.Fatalf("networking %+v, want 192.0.2.7:7443", c.Networking)
	}
	if got := a.Server(); got != "https://192.0.2.7:7443" {
		t.Fatalf("Server() = %q", got)
	}
	if p := c.KubeadmConfigPatches[0]; !strings.Contains(p, "- \"192.0.2.7\"\n") || strings.Count(p, "- ") != 1 {
		t.Fatalf("certSANs patch %q, want the address once", p)
	}
}

func TestAdvertiseANameOnOneAddress(t *testing.T) {
	a := Advertise{Host: "localhost", Listen: "127.0.0.1", Port: 16443}
	raw, err := CreateOptions{Advertise: a}.RawConfig()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Networking struct {
			APIServerAddress string `json:"apiServerAddress"`
			APIServerPort    int    `json:"apiServerPort"`
		} `json:"networking"`
		KubeadmConfigPatches []string `json:"kubeadmConfigPatches"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Networking.APIServerAddress != "127.0.0.1" || doc.Networking.APIServerPort != 16443 {
		t.Fatalf("config\n%s\nwant the API server on 127.0.0.1:16443", raw)
	}
	var sans struct {
		APIServer struct {
			CertSANs []string `json:"certSANs"`
		} `json:"apiServer"`
	}
	if err := yaml.Unmarshal([]byte(doc.KubeadmConfigPatches[0]), &sans); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sans.APIServer.CertSANs, []string{"localhost", "127.0.0.1"}) {
		t.Fatalf("certSANs %q, want localhost and 127.0.0.1", sans.APIServer.CertSANs)
	}
	if a.Server() != "https://localhost:16443" {
		t.Fatalf("Server() = %q", a.Server())
	}
}

func TestAdvertiseRefusesBadInput(t *testing.T) {
	for _, a := range []Advertise{
		{Host: "no spaces please"},
		{Host: "ok.example", Listen: "not-an-ip"},
		{Host: "ok.example", Port: 70000},
	} {
		err := CreateOptions{Advertise: a}.Validate()
		if err == nil || !strings.Contains(err.Error(), "--advertise") {
			t.Errorf("Validate(%+v) = %v, want an error naming --advertise", a, err)
		}
		if _, err := (CreateOptions{Advertise: a}).clusterConfig(); err == nil {
			t.Errorf("clusterConfig(%+v) took bad input", a)
		}
	}
}

func TestNoAdvertiseKeepsKindsDefaults(t *testing.T) {
	c, err := CreateOptions{}.clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.Networking.APIServerAddress != "" || c.Networking.APIServerPort != 0 || len(c.KubeadmConfigPatches) != 1 {
		t.Fatalf("config %+v changed kind's loopback default", c)
	}
}
