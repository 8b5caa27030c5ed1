package levels_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kube"
)

// psa is how Pod Security Admission names the profile it enforces.
const psa = `violates PodSecurity "baseline:v1.37"`

// escape is one thing a curious learner might try, and the API server's
// reason for refusing it.
type escape struct {
	name, yaml string
	// want: the refusal holds every part of one of these.
	want [][]string
}

func pod(name, spec string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n" + spec
}

const box = "  containers:\n  - name: c\n    image: busybox:1.36\n"

func escapes(player string) []escape {
	forbidden := func(verb, resource string) [][]string {
		return [][]string{{"forbidden", `User "` + player + `" cannot ` + verb + ` resource "` + resource + `"`}}
	}
	return []escape{
		{"privileged pod", pod("priv", box+"    securityContext: {privileged: true}\n"), [][]string{{psa, `privileged (container "c"`}}},
		{"hostPath of /", pod("root", box+"    volumeMounts: [{name: root, mountPath: /host}]\n  volumes: [{name: root, hostPath: {path: /}}]\n"), [][]string{{psa, `hostPath volumes (volume "root")`}}},
		{"hostNetwork and hostPID", pod("hostns", "  hostNetwork: true\n  hostPID: true\n"+box), [][]string{{psa, "host namespaces (hostNetwork=true, hostPID=true)"}}},
		{"hostPort", pod("hostport", box+"    ports: [{containerPort: 80, hostPort: 8080}]\n"), [][]string{{psa, "hostPort", "8080"}}},
		{"NET_ADMIN and SYS_ADMIN", pod("caps", box+"    securityContext: {capabilities: {add: [NET_ADMIN, SYS_ADMIN]}}\n"), [][]string{{psa, "non-default capabilities", `"NET_ADMIN", "SYS_ADMIN"`}}},
		{"hostIPC", pod("ipc", "  hostIPC: true\n"+box), [][]string{{psa, "host namespaces (hostIPC=true)"}}},
		{"hostPath of /var/run", pod("run", box+"    volumeMounts: [{name: run, mountPath: /run-host}]\n  volumes: [{name: run, hostPath: {path: /var/run}}]\n"), [][]string{{psa, `hostPath volumes (volume "run")`}}},
		{"privileged init container", pod("init", "  initContainers:\n  - name: init\n    image: busybox:1.36\n    securityContext: {privileged: true}\n"+box), [][]string{{psa, `privileged (container "init"`}}},
		{"Service with externalIPs", "apiVersion: v1\nkind: Service\nmetadata: {name: trap}\nspec:\n  ports: [{port: 80}]\n  externalIPs: [203.0.113.7]\n",
			// The game's policy, or the sim's DenyServiceExternalIPs plugin,
			// whichever the API server asks first.
			[][]string{{kube.PolicyExternalIPs, kube.MsgExternalIPs}, {"external IPs is denied by admission control"}}},
		{"NodePort Service where the level has none", "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n", [][]string{{kube.PolicyPlayerServices, kube.MsgNodePort}}},
		{"LoadBalancer Service where the level has none", "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n", [][]string{{kube.PolicyPlayerServices, kube.MsgLoadBalancer}}},
		{"Endpoints pointing elsewhere", "apiVersion: v1\nkind: Endpoints\nmetadata: {name: backend-service}\nsubsets: [{addresses: [{ip: 10.96.0.1}], ports: [{port: 443}]}]\n", forbidden("create", "endpoints")},
		{"EndpointSlice pointing elsewhere", "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: steal, labels: {kubernetes.io/service-name: backend-service}}\naddressType: IPv4\nendpoints: [{addresses: [10.96.0.1]}]\nports: [{port: 443}]\n", forbidden("create", "endpointslices")},
		{"service-account token Secret", "apiVersion: v1\nkind: Secret\nmetadata: {name: tok, annotations: {kubernetes.io/service-account.name: default}}\ntype: kubernetes.io/service-account-token\n", forbidden("create", "secrets")},
	}
}

// refusal reports whether out holds every part of one of want.
func refusal(out string, want [][]string) bool {
	for _, parts := range want {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(out, p)
		}
		if all {
			return true
		}
	}
	return false
}

// fileName turns an escape's name into a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, s)
}

// writeYAML writes body to a file kubectl can read.
func writeYAML(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dryCreate asks the API server to create the object in file as the
// player, without keeping it. Admission policies load a moment after they
// are made, so a refusal expected from one is waited for, within a bound.
func dryCreate(t *testing.T, kc, file string, want [][]string) (string, bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		out, ok := kubectlAs(t, kc, "create", "--dry-run=server", "-f", file)
		if !ok && refusal(out, want) || time.Now().After(deadline) || want == nil {
			return out, ok
		}
		<-tick.C
	}
}

func playerKubeconfig(t *testing.T, r *rig) string {
	t.Helper()
	kc := filepath.Join(t.TempDir(), "player.kubeconfig")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.s.WritePlayerKubeconfig(ctx, kc); err != nil {
		t.Fatal(err)
	}
	return kc
}

func playerClient(t *testing.T, kc string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kc)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 200, 200
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestPlayerEscapesAreRefused tries, as the player with kubectl, every
// escape a learner found the API server accepted, and more; each must be
// refused with the API server's own reason. A plain pod is admitted, so the
// refusals are the protections' and not a blanket one.
func TestPlayerEscapesAreRefused(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	kc := playerKubeconfig(t, r)
	player := "system:serviceaccount:" + kube.PlayersNamespace + ":" + kube.PlayerAccount(r.ns)
	if out, ok := dryCreate(t, kc, writeYAML(t, "plain", pod("plain", box)), nil); !ok {
		t.Fatalf("a plain pod was refused:\n%s", out)
	}
	list := escapes(player)
	refused := 0
	for _, e := range list {
		out, ok := dryCreate(t, kc, writeYAML(t, fileName(e.name), e.yaml), e.want)
		if ok || !refusal(out, e.want) {
			t.Errorf("%s: want refused with %q, got ok=%v:\n%s", e.name, e.want, ok, out)
			continue
		}
		refused++
	}
	t.Logf("escapes refused: %d of %d", refused, len(list))
	// A real create too, not only a dry run.
	out, ok := kubectlAs(t, kc, "create", "-f", writeYAML(t, "real", pod("priv-real", box+"    securityContext: {privileged: true}\n")))
	if ok || !strings.Contains(out, psa) {
		t.Errorf("a real privileged pod: ok=%v\n%s", ok, out)
	}
}

// TestLevelsThatExposeServicesAdmitThem checks that a level declaring
// NodePort or LoadBalancer Services lets the player make them, and that a
// node-port range on the namespace confines the ports.
func TestLevelsThatExposeServicesAdmitThem(t *testing.T) {
	t.Parallel()
	r := setUp(t, 29)
	kc := playerKubeconfig(t, r)
	lb := "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80, nodePort: %d}]\n"
	np := "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: %d}]\n"
	own := r.level.Protections.NodePortRange
	if own == nil {
		t.Fatal("level 29 was given no node ports")
	}
	for name, body := range map[string]string{"LoadBalancer": fmt.Sprintf(lb, own.Max), "NodePort": fmt.Sprintf(np, own.Max)} {
		if out, ok := dryCreate(t, kc, writeYAML(t, name, body), nil); !ok {
			t.Errorf("level 29: %s refused:\n%s", name, out)
		}
	}
	// Without a node port the API server picks one outside the player's
	// block, and the policy refuses it.
	ownRange := [][]string{{kube.PolicyPlayerServices, fmt.Sprintf("%s: %d-%d", kube.MsgNodePortRange, own.Min, own.Max)}}
	random := "apiVersion: v1\nkind: Service\nmetadata: {name: random}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n"
	if out, ok := dryCreate(t, kc, writeYAML(t, "random", random), ownRange); ok || !refusal(out, ownRange) {
		t.Errorf("a node port the API server picked: ok=%v\n%s", ok, out)
	}
	ctx := context.Background()
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:"30100",%q:"30109"}}}`, kube.AnnotationNodePortMin, kube.AnnotationNodePortMax)
	if _, err := r.cs.CoreV1().Namespaces().Patch(ctx, r.ns, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{kube.PolicyPlayerServices, kube.MsgNodePortRange + ": 30100-30109"}}
	if out, ok := dryCreate(t, kc, writeYAML(t, "outside", fmt.Sprintf(np, 30555)), want); ok || !refusal(out, want) {
		t.Errorf("a node port outside the player's range: ok=%v\n%s", ok, out)
	}
	if out, ok := dryCreate(t, kc, writeYAML(t, "inside", fmt.Sprintf(np, 30105)), nil); !ok {
		t.Errorf("a node port inside the player's range was refused:\n%s", out)
	}
}

// TestQuotaStopsAFlood creates ConfigMaps as the player until the quota
// refuses one, then scales a Deployment past the pod quota, and checks that
// the level still passes once fixed.
func TestQuotaStopsAFlood(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	kc := playerKubeconfig(t, r)
	cs := playerClient(t, kc)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	before, err := r.cs.CoreV1().ConfigMaps(r.ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	var refusedErr error
	for i := range 200 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("flood-%d", i)}, Data: map[string]string{"i": fmt.Sprint(i)}}
		if _, err := cs.CoreV1().ConfigMaps(r.ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			refusedErr = err
			break
		}
		made++
	}
	limit := 20
	if want := limit - len(before.Items); made != want || !apierrors.IsForbidden(refusedErr) {
		t.Fatalf("the player made %d of 200 ConfigMaps (want %d, the quota's %d less the %d there), then: %v", made, want, limit, len(before.Items), refusedErr)
	}
	explained, ok := check.ExplainQuota(refusedErr.Error())
	if !ok || !strings.Contains(explained, "ResourceQuota "+kube.QuotaName+" is full (configmaps: 20 of 20 in use") {
		t.Fatalf("refusal %q explained as %q", refusedErr, explained)
	}
	t.Logf("flood: %d ConfigMaps made, then %v", made, refusedErr)
	// The explanation's advice works for the player.
	if out, ok := kubectlAs(t, kc, "describe", "resourcequota", kube.QuotaName); !ok || !strings.Contains(out, "configmaps") || !strings.Contains(out, "20") {
		t.Errorf("player: kubectl describe resourcequota:\n%s", out)
	}

	scale := `{"spec":{"replicas":40}}`
	if _, err := cs.AppsV1().Deployments(r.ns).Patch(ctx, "backend", types.MergePatchType, []byte(scale), metav1.PatchOptions{}); err != nil {
		t.Fatalf("scale backend as the player: %v", err)
	}
	r.until(time.Minute, "naming the full pod quota", is("backend-ready", check.Fail, "its pods cannot be created", "ResourceQuota "+kube.QuotaName+" is full (pods: 20 of 20 in use, 1 more asked for)"))
	pods, err := r.cs.CoreV1().Pods(r.ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) > limit {
		t.Fatalf("%d pods in the namespace, quota %d: %v", len(pods.Items), limit, err)
	}
	if _, err := cs.AppsV1().Deployments(r.ns).Patch(ctx, "backend", types.MergePatchType, []byte(`{"spec":{"replicas":2}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if out, ok := kubectlAs(t, kc, "apply", "-f", r.solutionFile(t)); !ok {
		t.Fatalf("player: kubectl apply of the solution:\n%s", out)
	}
	r.until(90*time.Second, "passing after the flood and the fix", passed)
}

// TestPrivilegedTemplateIsExplained makes, as the player, a Deployment's pods
// privileged: the API server admits the Deployment with a warning and
// refuses its pods, and the level's check says why.
func TestPrivilegedTemplateIsExplained(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	kc := playerKubeconfig(t, r)
	patch := `[{"op":"add","path":"/spec/template/spec/containers/0/securityContext","value":{"privileged":true}}]`
	out, ok := kubectlAs(t, kc, "patch", "deployment", "backend", "--type=json", "-p", patch)
	if !ok || !strings.Contains(out, `would violate PodSecurity "restricted:v1.37"`) {
		t.Fatalf("player: patch backend privileged: ok=%v\n%s", ok, out)
	}
	r.until(time.Minute, "naming the Pod Security refusal", is("backend-ready", check.Fail, "its pods cannot be created", psa, "privileged"))
}
