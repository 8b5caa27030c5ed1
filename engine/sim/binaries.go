package sim

import (
	"strings"
)

// buildModule is a throwaway Go module that builds one or more binaries.
type buildModule struct {
	// name is the directory under $CacheDir/build and the module's last element.
	name     string
	require  [][2]string // module path, version
	replace  [][2]string // module path, replacement "path version"
	packages []string    // imported by tools.go
	ldflags  string      // extra -ldflags besides -s -w
}

// binary is one program the sim cluster runs.
type binary struct {
	name    string
	pkg     string
	module  *buildModule
	version string // expected substring of the --version output
	flag    string // version flag
}

var kubeModule = &buildModule{
	name:    "kubernetes",
	require: [][2]string{{"k8s.io/kubernetes", KubernetesVersion}},
	replace: stagingReplaces(),
	packages: []string{
		"k8s.io/kubernetes/cmd/kube-apiserver",
		"k8s.io/kubernetes/cmd/kube-controller-manager",
		"k8s.io/kubernetes/cmd/kube-scheduler",
	},
	ldflags: kubeVersionLDFlags(),
}

var etcdModule = &buildModule{
	name:     "etcd",
	require:  [][2]string{{"go.etcd.io/etcd/server/v3", "v" + EtcdVersion}},
	packages: []string{"go.etcd.io/etcd/server/v3"},
}

var kwokModule = &buildModule{
	name:     "kwok",
	require:  [][2]string{{"sigs.k8s.io/kwok", KwokVersion}},
	packages: []string{"sigs.k8s.io/kwok/cmd/kwok"},
}

var corednsModule = &buildModule{
	name:     "coredns",
	require:  [][2]string{{"github.com/coredns/coredns", CoreDNSVersion}},
	packages: []string{"github.com/coredns/coredns"},
}

// binaries lists every program in build order: the apiserver first, since the
// other Kubernetes binaries reuse most of its compiled packages.
var binaries = []binary{
	{"kube-apiserver", "k8s.io/kubernetes/cmd/kube-apiserver", kubeModule, "Kubernetes " + KubernetesVersion, "--version"},
	{"kube-controller-manager", "k8s.io/kubernetes/cmd/kube-controller-manager", kubeModule, "Kubernetes " + KubernetesVersion, "--version"},
	{"kube-scheduler", "k8s.io/kubernetes/cmd/kube-scheduler", kubeModule, "Kubernetes " + KubernetesVersion, "--version"},
	{"etcd", "go.etcd.io/etcd/server/v3", etcdModule, "etcd Version: " + EtcdVersion, "--version"},
	{"kwok", "sigs.k8s.io/kwok/cmd/kwok", kwokModule, "kwok version " + KwokVersion, "--version"},
	{"coredns", "github.com/coredns/coredns", corednsModule, "CoreDNS-" + strings.TrimPrefix(CoreDNSVersion, "v"), "-version"},
}

func stagingReplaces() [][2]string {
	r := make([][2]string, 0, len(stagingModules))
	for _, m := range stagingModules {
		r = append(r, [2]string{"k8s.io/" + m, "k8s.io/" + m + " " + StagingVersion})
	}
	return r
}

// kubeVersionLDFlags stamps the version the way Kubernetes' own build does, so
// that --version (and the apiserver's /version) report the real release.
func kubeVersionLDFlags() string {
	v := strings.TrimPrefix(KubernetesVersion, "v")
	parts := strings.SplitN(v, ".", 3)
	pkg := "k8s.io/component-base/version"
	return strings.Join([]string{
		"-X " + pkg + ".gitVersion=" + KubernetesVersion,
		"-X " + pkg + ".gitMajor=" + parts[0],
		"-X " + pkg + ".gitMinor=" + parts[1],
		"-X " + pkg + ".gitTreeState=clean",
	}, " ")
}

// versionMatches reports whether the output of a --version call names want.
// It matches whole tokens, so "Kubernetes v1.37.2" does not match "v1.37.20".
func versionMatches(output, want string) bool {
	for i := 0; ; {
		j := strings.Index(output[i:], want)
		if j < 0 {
			return false
		}
		end := i + j + len(want)
		if end == len(output) || !isVersionChar(output[end]) {
			return true
		}
		i = end
	}
}

func isVersionChar(c byte) bool {
	return c >= '0' && c <= '9' || c == '.'
}

// firstLine returns the first line of s, trimmed, for messages.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
