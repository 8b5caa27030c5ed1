package levels_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
)

// What a player might leave in the level's namespace, made with the
// player's own kubeconfig.
const playerMade = `
apiVersion: v1
kind: ConfigMap
metadata: {name: player-notes}
data: {note: "try a headless Service"}
---
apiVersion: v1
kind: Pod
metadata: {name: player-debug, labels: {app: player-debug}}
spec:
  terminationGracePeriodSeconds: 30
  containers:
    - {name: shell, image: busybox:1.36, command: [sleep, infinity]}
---
apiVersion: v1
kind: Service
metadata: {name: player-svc}
spec:
  selector: {app: player-debug}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: player-ingress}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: player-svc, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: player-deny-all}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`

// TestResetLeavesNothingBehind: after the player made objects of several
// kinds (and the admin a Secret, which the player may not), a reset removes
// every object that existed before it, keeps the player's Role and
// RoleBinding (same UIDs: the access never lapsed) and the level's quota and
// LimitRange, brings the broken state
// back, and the player's kubeconfig still works.
func TestResetLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	r := setUp(t, 30)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	kc := filepath.Join(t.TempDir(), "player.kubeconfig")
	if err := r.s.WritePlayerKubeconfig(ctx, kc); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(t.TempDir(), "player.yaml")
	if err := os.WriteFile(manifest, []byte(playerMade), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, ok := kubectlAs(t, kc, "apply", "-f", manifest); !ok {
		t.Fatalf("the player could not make objects:\n%s", out)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "admin-secret"}, StringData: map[string]string{"k": "v"}}
	if _, err := r.cs.CoreV1().Secrets(r.ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before := r.objects(ctx)
	for _, want := range []string{"configmaps/player-notes", "pods/player-debug", "services/player-svc", "ingresses.networking.k8s.io/player-ingress",
		"networkpolicies.networking.k8s.io/player-deny-all", "secrets/admin-secret", "statefulsets.apps/web", "services/web-cluster"} {
		if !slices.Contains(slices.Collect(maps.Values(before)), want) {
			t.Fatalf("before the reset, %s is missing from %v", want, before)
		}
	}

	var mu sync.Mutex
	var steps []string
	rep := cluster.Reporter(func(e cluster.Event) {
		mu.Lock()
		defer mu.Unlock()
		steps = append(steps, e.State.String()+" "+e.Step)
	})
	start := time.Now()
	if err := r.s.Reset(ctx, rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("reset took %s", time.Since(start).Round(time.Millisecond))

	after := r.objects(ctx)
	kept := map[string]bool{"roles.rbac.authorization.k8s.io/k8squest-player": true, "rolebindings.rbac.authorization.k8s.io/k8squest-player": true,
		"serviceaccounts/default": true, "configmaps/kube-root-ca.crt": true,
		"resourcequotas/k8squest-level": true, "limitranges/k8squest-level": true}
	for uid, name := range before {
		if _, still := after[uid]; still != kept[name] {
			t.Errorf("%s: still there after the reset: %v, want %v", name, still, kept[name])
		}
	}
	for _, gone := range []string{"player-notes", "player-debug", "player-svc", "player-ingress", "player-deny-all", "admin-secret"} {
		for _, name := range after {
			if strings.HasSuffix(name, "/"+gone) {
				t.Errorf("%s is back after the reset", name)
			}
		}
	}
	if want := "started remove everything in namespace " + r.ns; !slices.Contains(steps, want) || !slices.Contains(steps, "done remove everything in namespace "+r.ns) {
		t.Errorf("steps %q: want %q and its done", steps, want)
	}
	v := r.until(30*time.Second, "the broken state after the reset", all(is("shared-ip", check.Fail, "virtual IP"), is("ready", check.Pass)))
	t.Logf("after the reset:\n%s", dump(v))
	if out, ok := kubectlAs(t, kc, "get", "svc", "web-cluster"); !ok || !strings.Contains(out, "web-cluster") {
		t.Errorf("after the reset the player's kubeconfig does not work:\n%s", out)
	}
	if out, ok := kubectlAs(t, kc, "auth", "can-i", "create", "configmaps"); !ok || strings.TrimSpace(out) != "yes" {
		t.Errorf("after the reset the player may not create ConfigMaps:\n%s", out)
	}
}

// objects maps the UID of every object in the rig's namespace, of every
// resource type discovery lists, to "resource.group/name".
func (r *rig) objects(ctx context.Context) map[types.UID]string {
	r.t.Helper()
	lists, err := discovery.ServerPreferredNamespacedResources(r.cs.Discovery())
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		r.t.Fatal(err)
	}
	gvrs, err := discovery.GroupVersionResources(discovery.FilteredBy(discovery.SupportsAllVerbs{Verbs: []string{"list"}}, lists))
	if err != nil {
		r.t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(r.c.REST)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[types.UID]string{}
	for gvr := range gvrs {
		l, err := dyn.Resource(gvr).Namespace(r.ns).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
			continue
		}
		if err != nil {
			r.t.Fatalf("list %s: %v", gvr, err)
		}
		for _, o := range l.Items {
			out[o.GetUID()] = qualified(gvr.GroupResource()) + "/" + o.GetName()
		}
	}
	return out
}

func qualified(gr schema.GroupResource) string {
	if gr.Group == "" {
		return gr.Resource
	}
	return gr.Resource + "." + gr.Group
}

// TestTeardownReportsAndRemovesNamespaces: teardown removes every namespace
// of the level (level 27 has two) and reports a step for each while it runs.
func TestTeardownReportsAndRemovesNamespaces(t *testing.T) {
	t.Parallel()
	r := setUp(t, 27)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	spec, err := r.level.Spec(r.ns)
	if err != nil {
		t.Fatal(err)
	}
	var nss []string
	for _, ns := range spec.Namespaces {
		nss = append(nss, ns)
	}
	if len(nss) != 2 {
		t.Fatalf("level 27 uses namespaces %v; want two", nss)
	}
	var mu sync.Mutex
	var steps []string
	rep := cluster.Reporter(func(e cluster.Event) {
		mu.Lock()
		defer mu.Unlock()
		steps = append(steps, e.State.String()+" "+e.Step)
	})
	start := time.Now()
	if err := r.s.Teardown(ctx, rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("teardown took %s", time.Since(start).Round(time.Millisecond))
	for _, ns := range nss {
		if _, err := r.cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("namespace %s after teardown: %v, want NotFound", ns, err)
		}
		started, done := slices.Index(steps, "started remove namespace "+ns), slices.Index(steps, "done remove namespace "+ns)
		if started < 0 || done < started {
			t.Errorf("steps %q: want started, then done, remove namespace %s", steps, ns)
		}
	}
}
