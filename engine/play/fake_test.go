package play

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
)

// fakeAPI is a fake clientset whose API server the test can take away: its
// /readyz is served by a local HTTP server, and its lists can be refused.
type fakeAPI struct {
	*fake.Clientset
	disc discovery.DiscoveryInterfaces
	// readyzDown makes /readyz answer 503; listsDown makes every list fail.
	readyzDown, listsDown atomic.Bool
}

// errRefused is what the fake answers while its lists are down.
var errRefused = errors.New("connect: connection refused (test)")

func newFakeAPI(t *testing.T, objs ...runtime.Object) *fakeAPI {
	t.Helper()
	api := &fakeAPI{Clientset: fake.NewClientset(objs...)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" || api.readyzDown.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	d, err := discovery.NewDiscoveryClientForConfig(&rest.Config{Host: srv.URL, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	api.disc = d
	api.PrependReactor("list", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		if api.listsDown.Load() {
			return true, nil, errRefused
		}
		return false, nil, nil
	})
	return api
}

// Discovery returns a discovery client whose REST client reaches the
// test's /readyz server.
func (a *fakeAPI) Discovery() discovery.DiscoveryInterfaces { return a.disc }

// down takes the API away, or gives it back.
func (a *fakeAPI) down(readyz, lists bool) {
	a.readyzDown.Store(readyz)
	a.listsDown.Store(lists)
}

// serviceCheck passes when Service name exists in the level's namespace, and
// counts its runs.
type serviceCheck struct {
	name string
	runs atomic.Int32
	// settleRuns, when set, makes the first settleRuns runs fail as a
	// cached DNS answer would, with Settling set.
	settleRuns int32
}

// Run implements check.Check.
func (c *serviceCheck) Run(_ context.Context, env *check.Env) check.Result {
	n := c.runs.Add(1)
	if n <= c.settleRuns {
		return check.Result{Status: check.Fail, Message: "DNS still answers the old address", Settling: time.Minute}
	}
	if env.Snap.Service(env.Namespace, c.name) != nil {
		return check.Result{Status: check.Pass, Message: "Service " + c.name + " exists"}
	}
	return check.Result{Status: check.Fail, Message: "Service " + c.name + " not found"}
}

// testNS is the namespace the fake levels run in.
const testNS = "play-test"

// namespace returns a Namespace object.
func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

// service returns a Service in the test namespace.
func service(name string) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNS}}
}

// fakeSession binds a one-check level to api.
func fakeSession(api *fakeAPI, c check.Check) *Session {
	spec := Spec{Level: 99, Namespace: testNS, Checks: []Item{{ID: "svc", Title: "Service web exists", Check: c}}}
	return &Session{cluster: &cluster.Cluster{}, spec: spec, cs: api}
}

// recv returns the next verdict, failing the test when none comes in time
// or the channel closed.
func recv(t *testing.T, ch <-chan Verdict, within time.Duration) Verdict {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("the verdict channel closed")
		}
		return v
	case <-time.After(within):
		t.Fatalf("no verdict within %s", within)
	}
	return Verdict{}
}

// waitClosed drains ch until it closes, failing when it stays open.
func waitClosed(t *testing.T, ch <-chan Verdict, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the verdict channel did not close within %s of the end of its context", within)
		}
	}
}

// eventually polls cond every 10 ms until it holds, failing after within.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
