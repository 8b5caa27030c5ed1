package sim

import (
	"strings"
	"testing"
)

func TestVersionMatches(t *testing.T) {
	tests := []struct {
		out, want string
		ok        bool
	}{
		{"Kubernetes v1.37.2\n", "Kubernetes v1.37.2", true},
		{"Kubernetes v1.37.20", "Kubernetes v1.37.2", false},
		{"Kubernetes v0.0.0-master+$Format:%H$", "Kubernetes v1.37.2", false},
		{"etcd Version: 3.6.16\nGit SHA: x\n", "etcd Version: 3.6.16", true},
		{"etcd Version: 3.6.1\n", "etcd Version: 3.6.16", false},
		{"kwok version v0.8.0 go1.26.8 (linux/amd64)", "kwok version v0.8.0", true},
		{"CoreDNS-1.14.7\nlinux/amd64, go1.26.8, \n", "CoreDNS-1.14.7", true},
		{"CoreDNS-1.14.70", "CoreDNS-1.14.7", false},
		{"", "CoreDNS-1.14.7", false},
		{"x 1.2 y 1.2.3", "1.2", true},
	}
	for _, tt := range tests {
		if got := versionMatches(tt.out, tt.want); got != tt.ok {
			t.Errorf("versionMatches(%q, %q) = %v, want %v", tt.out, tt.want, got, tt.ok)
		}
	}
}

func TestBinariesPinned(t *testing.T) {
	want := map[string]string{
		"kube-apiserver": "v1.37.2", "kube-controller-manager": "v1.37.2", "kube-scheduler": "v1.37.2",
		"etcd": "3.6.16", "kwok": "v0.8.0", "coredns": "1.14.7",
	}
	for _, b := range binaries {
		if !strings.Contains(b.version, want[b.name]) {
			t.Errorf("%s expects %q, want it to name %s", b.name, b.version, want[b.name])
		}
		delete(want, b.name)
	}
	if len(want) != 0 {
		t.Errorf("binaries missing: %v", want)
	}
}

func TestGoModHeader(t *testing.T) {
	mod := goModHeader(kubeModule)
	for _, s := range []string{
		"module k8squest.local/simbuild/kubernetes",
		"require k8s.io/kubernetes v1.37.2",
		"\tk8s.io/client-go => k8s.io/client-go v0.37.2\n",
		"\tk8s.io/streaming => k8s.io/streaming v0.37.2\n",
	} {
		if !strings.Contains(mod, s) {
			t.Errorf("go.mod lacks %q:\n%s", s, mod)
		}
	}
	if n := strings.Count(mod, " => "); n != 33 {
		t.Errorf("go.mod has %d replaces, want 33", n)
	}
	if !strings.Contains(kubeVersionLDFlags(), "version.gitVersion=v1.37.2") {
		t.Errorf("ldflags do not stamp the version: %s", kubeVersionLDFlags())
	}
	if tools := toolsGo(kubeModule); !strings.Contains(tools, `_ "k8s.io/kubernetes/cmd/kube-scheduler"`) {
		t.Errorf("tools.go lacks the scheduler:\n%s", tools)
	}
}
