package levels_test

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
)

func TestLevel26Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	v := r.until(30*time.Second, "the broken state", all(
		is("affinity", check.Fail, "Service session-service has sessionAffinity None"),
		is("endpoints", check.Pass, "list the 3 pods of Deployment session-app"),
		is("ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel26Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", all(passed, is("affinity", check.Pass, "ClientIP with a 10800s timeout and 3 ready endpoints")))
	t.Logf("fixed state:\n%s", dump(v))
}

// Only the affinity, no config: the API server fills in the default timeout;
// a shorter explicit timeout passes too.
func TestLevel26AffinityOnly(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	r.mustPatch("", "Service", "session-service", types.MergePatchType, `{"spec":{"sessionAffinity":"ClientIP"}}`)
	r.until(30*time.Second, "passing with the default timeout", all(passed, is("affinity", check.Pass, "10800s timeout")))
	r.mustPatch("", "Service", "session-service", types.MergePatchType, `{"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}}}}`)
	v := r.until(30*time.Second, "passing with 600s", all(passed, is("affinity", check.Pass, "600s timeout")))
	t.Logf("affinity only:\n%s", dump(v))
}

// The API server refuses a zero timeout, so that wrong fix cannot even be made.
func TestLevel26ZeroTimeoutRefused(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	err := r.patch("", "Service", "session-service", types.MergePatchType, `{"spec":{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":0}}}}`)
	if err == nil || !strings.Contains(err.Error(), "timeoutSeconds") {
		t.Fatalf("a zero timeout: got %v, want the API server's refusal", err)
	}
	t.Logf("the API server says: %v", err)
	v := r.until(30*time.Second, "still failing", is("affinity", check.Fail, "sessionAffinity None"))
	if v.Passed {
		t.Fatal("passed after a refused change")
	}
}

// Affinity on one pod pins nothing: scaling down to one replica fails.
func TestLevel26OneReplica(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	r.applySolution()
	r.until(30*time.Second, "passing after the fix", passed)
	r.mustPatch("", "Deployment", "session-app", types.MergePatchType, `{"spec":{"replicas":1}}`)
	v := r.until(60*time.Second, "failing on one endpoint", is("affinity", check.Fail, "but 1 ready endpoint (", "at least 2"))
	t.Logf("one replica:\n%s", dump(v))
	if v.Passed {
		t.Fatal("one replica passed")
	}
}
