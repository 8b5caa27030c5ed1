//go:build kind

package levels_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/kindtest"
	"github.com/k8squest/k8squest/engine/kube"
)

// idle is a container command that waits and stops at once on SIGTERM.
const idle = `    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]` + "\n"

// TestKindPlayerEscapesAreRefused tries every escape of the isolation table
// as the player on real kind, where an admitted privileged or hostPath pod
// would run as root on the node container. Each is asked twice, as a
// server-side dry run and as a real create, and both must be refused with
// the API server's reason; a plain pod is admitted and really runs, so the
// refusals are the protections' and not a blanket one.
func TestKindPlayerEscapesAreRefused(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	kc := playerKubeconfig(t, r)
	player := "system:serviceaccount:" + kube.PlayersNamespace + ":" + kube.PlayerAccount(r.ns)

	if out, ok := kubectlAs(t, kc, "create", "-f", writeYAML(t, "plain", pod("plain", box+idle))); !ok {
		t.Fatalf("the player's plain pod was refused:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), kindtest.PodTimeout)
	defer cancel()
	if err := kindtest.WaitPod(ctx, r.cs, r.ns, "plain", func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodRunning }); err != nil {
		t.Fatalf("the player's plain pod: %v", err)
	}

	list := escapes(player)
	refused := 0
	for _, e := range list {
		file := writeYAML(t, fileName(e.name), e.yaml)
		dry, dryOK := dryCreate(t, kc, file, e.want)
		real, realOK := kubectlAs(t, kc, "create", "-f", file)
		if realOK {
			// It must not stay: delete it as the cluster admin.
			if out, ok := kubectlAs(t, r.c.Kubeconfig, "-n", r.ns, "delete", "--wait=false", "-f", file); !ok {
				t.Errorf("%s: delete the admitted object: %s", e.name, out)
			}
		}
		if dryOK || realOK || !refusal(dry, e.want) || !refusal(real, e.want) {
			t.Errorf("%s: want refused with %q;\ndry run (ok=%v): %s\ncreate (ok=%v): %s", e.name, e.want, dryOK, dry, realOK, real)
			continue
		}
		refused++
		t.Logf("refused: %s: %s", e.name, firstLine(real))
	}
	t.Logf("escapes refused on kind: %d of %d", refused, len(list))
	pods, err := r.cs.CoreV1().Pods(r.ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Labels["app"] == "" && p.Name != "plain" {
			t.Errorf("pod %s is in the player's namespace after the escapes", p.Name)
		}
	}
}

// deleteNamespace deletes namespace ns and waits until it is gone.
func deleteNamespace(ctx context.Context, cs kubernetes.Interface, ns string) error {
	if err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		return fmt.Errorf("wait for namespace %s to go: %w", ns, err)
	}
	return nil
}

// firstLine is the line of kubectl's output s with the server's error, else
// its first line.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "Error from server") {
			return l
		}
	}
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// TestKindHostPathEscapeIsReal shows what the refusals above keep from the
// player: as the cluster admin, in a namespace without the game's labels, a
// privileged pod mounting the node's / really runs on the node container
// and can read its cluster-admin kubeconfig, /etc/kubernetes/admin.conf.
// Only the file's shape is looked at; nothing of its keys is printed.
func TestKindHostPathEscapeIsReal(t *testing.T) {
	t.Parallel()
	c, _ := testCluster(t)
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	ns := "escape-proof-" + randHex()
	ctx, cancel := context.WithTimeout(context.Background(), 2*kindtest.PodTimeout)
	defer cancel()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", ns, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*kindtest.PodTimeout)
		defer cancel()
		if err := deleteNamespace(ctx, cs, ns); err != nil {
			t.Error(err)
		}
	})
	yes, zero := true, int64(0)
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "root"},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: &zero,
			Containers: []corev1.Container{{
				Name: "c", Image: kindtest.ToolboxImage, ImagePullPolicy: corev1.PullIfNotPresent,
				Command:         []string{"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"},
				SecurityContext: &corev1.SecurityContext{Privileged: &yes},
				VolumeMounts:    []corev1.VolumeMount{{Name: "root", MountPath: "/host"}},
			}},
			Volumes: []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
		},
	}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatalf("as the admin, a privileged hostPath pod in %s was refused: %v", ns, err)
	}
	var node string
	if err := kindtest.WaitPod(ctx, cs, ns, "root", func(p *corev1.Pod) bool {
		node = p.Spec.NodeName
		return p.Status.Phase == corev1.PodRunning
	}); err != nil {
		t.Fatal(err)
	}
	cmd := `f=/host/etc/kubernetes/admin.conf
cat /host/etc/hostname
grep -c '^kind: Config$' $f
grep -c 'client-key-data: ' $f
grep -o 'user: kubernetes-admin$' $f | head -1`
	res, err := kindtest.Exec(ctx, c.REST, ns, "root", "", "sh", "-c", cmd)
	if err != nil || res.Err != nil {
		t.Fatalf("in the privileged pod: %v %s", err, res)
	}
	want := node + "\n1\n1\nuser: kubernetes-admin\n"
	if res.Stdout != want {
		t.Fatalf("in the privileged pod, %q printed %q, want %q (the node's hostname, then admin.conf's shape)", cmd, res.Stdout, want)
	}
	t.Logf("as the admin in namespace %s (no game labels), a privileged pod with hostPath / ran on node %s and read %s's /etc/kubernetes/admin.conf: a kubeconfig with a client key for kubernetes-admin", ns, node, node)
}
