package kindtest

import (
	"context"
	_ "embed" // the controller's manifests
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
)

// TraefikVersion is the Traefik that scripts/kind/traefik.sh builds and
// traefik.yaml runs.
const TraefikVersion = "v3.7.13"

// TraefikImage is the image scripts/kind/traefik.sh makes and loads.
const TraefikImage = "k8squest.local/traefik:" + TraefikVersion

// IngressNamespace is the namespace the Ingress controller runs in.
const IngressNamespace = "k8squest-ingress"

// IngressTimeout bounds installing the controller and waiting for it to be
// Ready.
const IngressTimeout = 2 * time.Minute

//go:embed traefik.yaml
var traefikYAML []byte

// ingressSelector picks the controller's pods.
const ingressSelector = "app.kubernetes.io/name=traefik"

// Ingress is the installed controller, as a test reaches it.
type Ingress struct {
	// Host is the in-cluster DNS name of the controller's Service.
	Host string
	// ClusterIP is the controller Service's ClusterIP.
	ClusterIP string
	// Port is the Service's HTTP port.
	Port int
	// Pod is the name of a Ready controller pod (whose log holds the
	// access log).
	Pod string
}

// IngressController installs the Traefik Ingress controller (traefik.yaml)
// in the cluster, or finds it installed (server-side apply changes nothing
// then), waits until a controller pod is Ready and returns how to reach it.
// Its image comes from scripts/kind/up.sh, run once the cluster exists.
func IngressController(t testing.TB, c *cluster.Cluster) Ingress {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), IngressTimeout)
	defer cancel()
	ing, err := installIngress(ctx, c)
	if err != nil {
		t.Fatalf("kindtest: Ingress controller: %v", err)
	}
	t.Logf("Ingress controller Traefik %s: Service %s (%s:%d), pod %s", TraefikVersion, ing.Host, ing.ClusterIP, ing.Port, ing.Pod)
	return ing
}

func installIngress(ctx context.Context, c *cluster.Cluster) (Ingress, error) {
	objs, err := kube.Decode(traefikYAML)
	if err != nil {
		return Ingress{}, fmt.Errorf("decode traefik.yaml: %w", err)
	}
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return Ingress{}, fmt.Errorf("clientset: %w", err)
	}
	dyn, err := dynamic.NewForConfig(c.REST)
	if err != nil {
		return Ingress{}, fmt.Errorf("dynamic client: %w", err)
	}
	if err := kube.NewApplier(dyn, cs.Discovery()).Apply(ctx, objs); err != nil {
		return Ingress{}, fmt.Errorf("install Traefik: %w", err)
	}
	if err := rolledOut(ctx, cs); err != nil {
		return Ingress{}, err
	}
	pod, err := readyPod(ctx, cs)
	if err != nil {
		return Ingress{}, err
	}
	svc, err := cs.CoreV1().Services(IngressNamespace).Get(ctx, "traefik", metav1.GetOptions{})
	if err != nil {
		return Ingress{}, fmt.Errorf("get Service %s/traefik: %w", IngressNamespace, err)
	}
	return Ingress{
		Host:      "traefik." + IngressNamespace,
		ClusterIP: svc.Spec.ClusterIP,
		Port:      int(svc.Spec.Ports[0].Port),
		Pod:       pod,
	}, nil
}

// rolledOut waits until the controller's Deployment runs its current
// template only (a changed traefik.yaml replaces the pod).
func rolledOut(ctx context.Context, cs kubernetes.Interface) error {
	last := "not found"
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		d, err := cs.AppsV1().Deployments(IngressNamespace).Get(ctx, "traefik", metav1.GetOptions{})
		if err != nil {
			last = err.Error()
			return false, nil //nolint:nilerr // not there yet, or the API blinked: ask again until ctx ends
		}
		st := d.Status
		last = fmt.Sprintf("generation %d observed %d, %d replicas, %d updated, %d ready", d.Generation, st.ObservedGeneration, st.Replicas, st.UpdatedReplicas, st.ReadyReplicas)
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		return st.ObservedGeneration == d.Generation && st.Replicas == want && st.UpdatedReplicas == want && st.ReadyReplicas == want, nil
	})
	if err != nil {
		return fmt.Errorf("wait for Deployment %s/traefik to roll out: %w (%s; is %s loaded? scripts/kind/up.sh loads it once the cluster exists)",
			IngressNamespace, err, last, TraefikImage)
	}
	return nil
}

// readyPod waits for a Ready controller pod and returns its name; on time
// out it says what the pods last were (ErrImageNeverPull: the image was not
// loaded).
func readyPod(ctx context.Context, cs kubernetes.Interface) (string, error) {
	var name, last string
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(IngressNamespace).List(ctx, metav1.ListOptions{LabelSelector: ingressSelector})
		if err != nil {
			last = err.Error()
			return false, nil //nolint:nilerr // the API blinked: ask again until ctx ends
		}
		var states []string
		for i := range pods.Items {
			p := &pods.Items[i]
			if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && Ready(p) {
				name = p.Name
				return true, nil
			}
			states = append(states, p.Name+": "+PodState(p))
		}
		last = strings.Join(states, "; ")
		return false, nil
	})
	if err != nil {
		return "", fmt.Errorf("wait for a Ready Traefik pod in %s: %w (pods: %s; is %s loaded? scripts/kind/up.sh loads it once the cluster exists)",
			IngressNamespace, err, last, TraefikImage)
	}
	return name, nil
}
