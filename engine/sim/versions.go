package sim

// Pinned versions of everything the sim cluster runs. Change them here only.
const (
	// EtcdVersion is the etcd release built from go.etcd.io/etcd/server/v3.
	EtcdVersion = "3.6.16"
	// KubernetesVersion is the k8s.io/kubernetes release of the control plane.
	KubernetesVersion = "v1.37.2"
	// StagingVersion is the version of the k8s.io staging modules that match KubernetesVersion.
	StagingVersion = "v0.37.2"
	// KwokVersion is the sigs.k8s.io/kwok release that simulates the node.
	KwokVersion = "v0.8.0"
	// CoreDNSVersion is the github.com/coredns/coredns release serving cluster DNS.
	CoreDNSVersion = "v1.14.7"
)

// stagingModules are the k8s.io modules that k8s.io/kubernetes replaces with
// local paths; a module that requires it must replace them with released versions.
var stagingModules = []string{
	"api", "apiextensions-apiserver", "apimachinery", "apiserver", "cli-runtime",
	"client-go", "cloud-provider", "cluster-bootstrap", "code-generator",
	"component-base", "component-helpers", "controller-manager", "cri-api",
	"cri-client", "cri-streaming", "csi-translation-lib",
	"dynamic-resource-allocation", "endpointslice", "externaljwt", "kms",
	"kube-aggregator", "kube-controller-manager", "kube-proxy", "kube-scheduler",
	"kubectl", "kubelet", "metrics", "mount-utils", "pod-security-admission",
	"sample-apiserver", "sample-cli-plugin", "sample-controller", "streaming",
}

// Versions returns the pinned versions as name/version pairs, for display.
func Versions() [][2]string {
	return [][2]string{
		{"kubernetes", KubernetesVersion},
		{"etcd", "v" + EtcdVersion},
		{"kwok", KwokVersion},
		{"coredns", CoreDNSVersion},
	}
}
