package kindtest

import (
	"os"
	"regexp"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/k8squest/k8squest/engine/kube"
)

// The harness builds the Traefik the manifests run: one version in
// scripts/kind/traefik.sh and in TraefikVersion.
func TestTraefikVersionMatchesTheHarness(t *testing.T) {
	b, err := os.ReadFile("../../scripts/kind/traefik.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TRAEFIK_VERSION=(\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("scripts/kind/traefik.sh sets no TRAEFIK_VERSION")
	}
	if string(m[1]) != TraefikVersion {
		t.Fatalf("scripts/kind/traefik.sh builds Traefik %s, kindtest runs %s", m[1], TraefikVersion)
	}
}

// The controller runs the harness's image, listens only inside the cluster
// (no host port, no host network, a ClusterIP Service), and its
// IngressClass is not the cluster's default.
func TestTraefikManifests(t *testing.T) {
	objs, err := kube.Decode(traefikYAML)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, o := range objs {
		seen[o.GetKind()] = true
		switch o.GetKind() {
		case "Deployment":
			var d appsv1.Deployment
			convert(t, o, &d)
			ps := d.Spec.Template.Spec
			if ps.HostNetwork {
				t.Error("the Deployment uses the host's network")
			}
			for _, c := range ps.Containers {
				if c.Image != TraefikImage {
					t.Errorf("container %s runs %s, want %s", c.Name, c.Image, TraefikImage)
				}
				if c.ImagePullPolicy != corev1.PullNever {
					t.Errorf("container %s: imagePullPolicy %s, want Never (no registry here)", c.Name, c.ImagePullPolicy)
				}
				for _, p := range c.Ports {
					if p.HostPort != 0 {
						t.Errorf("container %s: hostPort %d", c.Name, p.HostPort)
					}
				}
			}
		case "Service":
			var s corev1.Service
			convert(t, o, &s)
			if s.Spec.Type != corev1.ServiceTypeClusterIP {
				t.Errorf("Service %s is of type %s, want ClusterIP", s.Name, s.Spec.Type)
			}
		case "IngressClass":
			var ic networkingv1.IngressClass
			convert(t, o, &ic)
			if v := ic.Annotations[networkingv1.AnnotationIsDefaultIngressClass]; v == "true" {
				t.Errorf("IngressClass %s is the cluster's default", ic.Name)
			}
		}
		if ns := o.GetNamespace(); ns != "" && ns != IngressNamespace {
			t.Errorf("%s is in namespace %s, want %s", kube.Describe(o), ns, IngressNamespace)
		}
	}
	for _, k := range []string{"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "IngressClass", "Deployment", "Service"} {
		if !seen[k] {
			t.Errorf("traefik.yaml has no %s", k)
		}
	}
}

func convert(t *testing.T, o *unstructured.Unstructured, into any) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, into); err != nil {
		t.Fatalf("%s: %v", kube.Describe(o), err)
	}
}
