package levels_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
)

// port is the node port the level gave this rig's player.
func (r *rig) port() string { return itoa(r.level.NodePort) }

const nodePortPatch = `[{"op":"replace","path":"/spec/ports/0/nodePort","value":%s}]`

func TestLevel22Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	got := r.service("", "web-nodeport").Spec.Ports[0].NodePort
	v := r.until(30*time.Second, "the broken state", all(
		is("nodeport", check.Fail, "clients expect "+r.port(), "exposes port 80 on nodePort "+itoa(got)),
		is("endpoints", check.Pass, "list the 2 pods of Deployment web"),
		is("ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel22Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", all(passed, is("nodeport", check.Pass, "exposes port 80 on nodePort "+r.port())))
	t.Logf("fixed state:\n%s", dump(v))
}

// kubectl patch with a JSON patch on the live Service.
func TestLevel22PatchNodePort(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	r.mustPatch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", r.port(), 1))
	v := r.until(30*time.Second, "passing after the patch", passed)
	t.Logf("patched:\n%s", dump(v))
}

func TestLevel22WrongNodePort(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	wrong := itoa(r.level.NodePort + 1)
	r.mustPatch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", wrong, 1))
	v := r.until(30*time.Second, "failing on nodePort "+wrong, is("nodeport", check.Fail, "exposes port 80 on nodePort "+wrong, "clients expect "+r.port()))
	t.Logf("nodePort %s:\n%s", wrong, dump(v))
	if v.Passed {
		t.Fatalf("nodePort %s passed", wrong)
	}
}

// Turning the Service into a ClusterIP one closes the node port altogether.
func TestLevel22ClusterIP(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	r.mustPatch("", "Service", "web-nodeport", types.MergePatchType, `{"spec":{"type":"ClusterIP"}}`)
	v := r.until(30*time.Second, "failing on the type", is("nodeport", check.Fail, "is of type ClusterIP"))
	if v.Passed {
		t.Fatal("a ClusterIP Service passed")
	}
}

// The player's port is held by a Service in another namespace (here the
// admin moved the first player's Service onto it): the API server refuses
// the port, and the check names who holds it.
func TestLevel22PortHeldElsewhere(t *testing.T) {
	t.Parallel()
	first, second := setUp(t, 22), setUp(t, 22)
	first.mustPatch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", second.port(), 1))
	err := second.patch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", second.port(), 1))
	if err == nil || !strings.Contains(err.Error(), "provided port is already allocated") {
		t.Fatalf("taking a held nodePort: got %v, want the API server's refusal", err)
	}
	t.Logf("the API server says: %v", err)
	v := second.until(30*time.Second, "failing and naming the holder", is("nodeport", check.Fail,
		"nodePort "+second.port()+" is already held by Service web-nodeport in namespace "+first.ns+" on this cluster"))
	t.Logf("second player:\n%s", dump(v))
	if v.Passed {
		t.Fatal("the second player passed without the port")
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
