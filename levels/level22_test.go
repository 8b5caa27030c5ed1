package levels_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
)

// nodePort30080 serialises the level-22 tests that take node port 30080: it
// is unique cluster-wide, and all of them share one cluster.
var nodePort30080 sync.Mutex

// takePort30080 holds the port for the rest of the test. Call it before
// setUp, so that the namespace holding the port is gone before the next
// test gets it (cleanups run last-in, first-out).
func takePort30080(t *testing.T) {
	nodePort30080.Lock()
	t.Cleanup(nodePort30080.Unlock)
}

const nodePortPatch = `[{"op":"replace","path":"/spec/ports/0/nodePort","value":%s}]`

func TestLevel22Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	got := r.service("", "web-nodeport").Spec.Ports[0].NodePort
	v := r.until(30*time.Second, "the broken state", all(
		is("nodeport", check.Fail, "30080", "exposes port 80 on nodePort "+itoa(got)),
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
	takePort30080(t)
	r := setUp(t, 22)
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", all(passed, is("nodeport", check.Pass, "exposes port 80 on nodePort 30080")))
	t.Logf("fixed state:\n%s", dump(v))
}

// kubectl patch with a JSON patch on the live Service.
func TestLevel22PatchNodePort(t *testing.T) {
	t.Parallel()
	takePort30080(t)
	r := setUp(t, 22)
	r.mustPatch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", "30080", 1))
	v := r.until(30*time.Second, "passing after the patch", passed)
	t.Logf("patched:\n%s", dump(v))
}

func TestLevel22WrongNodePort(t *testing.T) {
	t.Parallel()
	r := setUp(t, 22)
	r.mustPatch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", "30081", 1))
	v := r.until(30*time.Second, "failing on nodePort 30081", is("nodeport", check.Fail, "exposes port 80 on nodePort 30081", "30080"))
	t.Logf("nodePort 30081:\n%s", dump(v))
	if v.Passed {
		t.Fatal("nodePort 30081 passed")
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

// Two players on one cluster: the second cannot take 30080 and is told who
// holds it.
func TestLevel22PortHeldElsewhere(t *testing.T) {
	t.Parallel()
	takePort30080(t)
	first := setUp(t, 22)
	first.applySolution()
	first.until(30*time.Second, "the first player passing", passed)
	second := setUp(t, 22)
	err := second.patch("", "Service", "web-nodeport", types.JSONPatchType, strings.Replace(nodePortPatch, "%s", "30080", 1))
	if err == nil || !strings.Contains(err.Error(), "provided port is already allocated") {
		t.Fatalf("taking a held nodePort: got %v, want the API server's refusal", err)
	}
	t.Logf("the API server says: %v", err)
	v := second.until(30*time.Second, "failing and naming the holder", is("nodeport", check.Fail,
		"nodePort 30080 is already held by Service web-nodeport in namespace "+first.ns+" on this cluster"))
	t.Logf("second player:\n%s", dump(v))
	if v.Passed {
		t.Fatal("the second player passed without the port")
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
