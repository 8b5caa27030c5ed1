package currentcluster

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// fakeAuthz is a clientset whose access reviews answer with allow, and
// whose self-subject review names user alice.
func fakeAuthz(t *testing.T, allow func(a *authzv1.ResourceAttributes) bool) (*fake.Clientset, *[]authzv1.ResourceAttributes) {
	t.Helper()
	cs := fake.NewClientset()
	var mu sync.Mutex
	var asked []authzv1.ResourceAttributes
	cs.PrependReactor("create", "selfsubjectaccessreviews", func(action k8stesting.Action) (bool, runtime.Object, error) {
		r := action.(k8stesting.CreateAction).GetObject().(*authzv1.SelfSubjectAccessReview)
		mu.Lock()
		asked = append(asked, *r.Spec.ResourceAttributes)
		mu.Unlock()
		out := r.DeepCopy()
		out.Status.Allowed = allow(r.Spec.ResourceAttributes)
		return true, out, nil
	})
	cs.PrependReactor("create", "selfsubjectreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		r := &authnv1.SelfSubjectReview{}
		r.Status.UserInfo.Username = "alice"
		return true, r, nil
	})
	return cs, &asked
}

func allowAll(*authzv1.ResourceAttributes) bool { return true }

// except allows everything but what deny matches.
func except(deny func(a *authzv1.ResourceAttributes) bool) func(a *authzv1.ResourceAttributes) bool {
	return func(a *authzv1.ResourceAttributes) bool { return !deny(a) }
}

func runPreflight(t *testing.T, allow func(a *authzv1.ResourceAttributes) bool) (*Access, []authzv1.ResourceAttributes, error) {
	t.Helper()
	cs, asked := fakeAuthz(t, allow)
	acc, err := preflight(context.Background(), cs, "ctx-a", "lvl")
	return acc, *asked, err
}

func TestPreflightAdminPassesInOneRound(t *testing.T) {
	acc, asked, err := runPreflight(t, allowAll)
	if err != nil || len(acc.Missing) != 0 || len(acc.Warnings) != 0 {
		t.Fatalf("admin: %+v, %v", acc, err)
	}
	first := 0
	for _, n := range adminNeeds("lvl") {
		first += len(n.ways[0])
	}
	if acc.Asked != first || len(asked) != first {
		t.Fatalf("asked %d (%d sent), want only the %d first ways", acc.Asked, len(asked), first)
	}
	for _, a := range asked {
		if a.Verb == "*" {
			t.Fatalf("asked a coverage question %+v though escalate and bind were allowed", a)
		}
	}
}

func TestPreflightNamesEverythingMissingInOneMessage(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool {
		return (a.Resource == "namespaces" && (a.Verb == "create" || a.Verb == "delete")) ||
			(a.Resource == "clusterroles" && a.Verb == "create")
	}
	_, _, err := runPreflight(t, except(deny))
	if !errors.Is(err, ErrMissingAccess) {
		t.Fatalf("err = %v, want ErrMissingAccess", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`context "ctx-a"`, `(user "alice")`,
		"may not: create, delete namespaces; create clusterroles.rbac.authorization.k8s.io.",
		"cluster-admin", "--provider kind or --provider sim",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "-n with") {
		t.Errorf("message offers -n though cluster-wide rights are missing:\n%s", msg)
	}
}

func TestPreflightOffersNamespaceWhenOnlyItIsMissing(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool { return a.Resource == "deployments" && a.Namespace == "lvl" }
	_, _, err := runPreflight(t, except(deny))
	if !errors.Is(err, ErrMissingAccess) || !strings.Contains(err.Error(), "create, patch, delete, list, watch deployments.apps in lvl") ||
		!strings.Contains(err.Error(), "use -n with a namespace where you hold them") {
		t.Fatalf("err = %v", err)
	}
}

func TestPreflightGrantByHoldingTheRights(t *testing.T) {
	noEscalate := func(a *authzv1.ResourceAttributes) bool { return a.Verb == "escalate" || a.Verb == "bind" }
	acc, asked, err := runPreflight(t, except(noEscalate))
	if err != nil {
		t.Fatalf("an identity holding every right it grants was refused: %v", err)
	}
	// deletecollection on pods is in the player's Role only: asking it
	// shows the Role's rights were asked one by one.
	covered := 0
	for _, a := range asked {
		if a.Verb == "deletecollection" && a.Resource == "pods" && a.Namespace == "lvl" {
			covered++
		}
	}
	if covered == 0 || acc.Asked != len(asked) {
		t.Fatalf("coverage not asked: %d questions about the Role's rights, Asked %d of %d", covered, acc.Asked, len(asked))
	}
}

func TestPreflightGrantMissing(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool {
		return a.Verb == "escalate" || (a.Group == "apps" && a.Resource == "deployments" && a.Verb == "deletecollection")
	}
	_, _, err := runPreflight(t, except(deny))
	if !errors.Is(err, ErrMissingAccess) || !strings.Contains(err.Error(), "grant the player's Role k8squest-player in lvl") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "ClusterRole k8squest-player-view") {
		t.Fatalf("the view ClusterRole is grantable by holding its rights, yet named: %v", err)
	}
}

func TestPreflightDNSIsOnlyAWarning(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool { return a.Subresource == "portforward" }
	acc, _, err := runPreflight(t, except(deny))
	if err != nil {
		t.Fatalf("missing port-forward was fatal: %v", err)
	}
	lines := acc.WarningLines()
	if len(lines) != 1 || !strings.Contains(lines[0], "create pods/portforward in kube-system") ||
		!strings.Contains(lines[0], "DNS checks will show Unknown") || !strings.Contains(lines[0], `"alice"`) {
		t.Fatalf("warnings %q", lines)
	}
}

func TestPreflightServiceRangeEitherWay(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool { return a.Resource == "servicecidrs" }
	if _, _, err := runPreflight(t, except(deny)); err != nil {
		t.Fatalf("dry-run fallback not accepted: %v", err)
	}
	both := func(a *authzv1.ResourceAttributes) bool {
		return a.Resource == "servicecidrs" || (a.Resource == "services" && a.Namespace == "default")
	}
	if _, _, err := runPreflight(t, except(both)); err == nil || !strings.Contains(err.Error(), "learn the service IP range") {
		t.Fatalf("err = %v", err)
	}
}

func TestPreflightReviewFailureIsNotMissingAccess(t *testing.T) {
	cs := fake.NewClientset()
	cs.PrependReactor("create", "selfsubjectaccessreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("the server could not find the requested resource")
	})
	_, err := preflight(context.Background(), cs, "c", "lvl")
	if err == nil || errors.Is(err, ErrMissingAccess) || !strings.Contains(err.Error(), "ask the API server whether you may") {
		t.Fatalf("err = %v", err)
	}
}

func TestPreflightNamesMissingProtections(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool {
		return a.Resource == "resourcequotas" || a.Group == "admissionregistration.k8s.io"
	}
	acc, _, err := runPreflight(t, except(deny))
	if err != nil {
		t.Fatalf("missing protections were fatal: %v", err)
	}
	lines := strings.Join(acc.WarningLines(), "\n")
	for _, want := range []string{
		"create, update, list, watch resourcequotas in lvl: protection missing: the level's namespaces get no ResourceQuota or LimitRange",
		"get, create, update validatingadmissionpolicies.admissionregistration.k8s.io",
		"protection missing: no admission policies on Services",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("warnings lack %q:\n%s", want, lines)
		}
	}
	if len(acc.Warnings) != 2 {
		t.Errorf("want 2 warnings, got %q", acc.Warnings)
	}
}

// TestPreflightNamesEachMissingProtection: the protections the identity
// cannot put in place are named apart from the DNS warning, each with the
// rights it lacks; they stay warnings, never a refusal.
func TestPreflightNamesEachMissingProtection(t *testing.T) {
	deny := func(a *authzv1.ResourceAttributes) bool {
		return a.Resource == "limitranges" || a.Group == "admissionregistration.k8s.io" || a.Subresource == "portforward"
	}
	acc, _, err := runPreflight(t, except(deny))
	if err != nil {
		t.Fatalf("missing protections were fatal: %v", err)
	}
	if len(acc.Unprotected) != 2 || len(acc.Warnings) != 3 {
		t.Fatalf("unprotected %q, warnings %q; want the quota and the policies apart from the DNS warning", acc.Unprotected, acc.Warnings)
	}
	for i, want := range []string{
		"ResourceQuota and LimitRange (may not create, update limitranges in lvl)",
		"admission policies on Services (may not get, create, update validatingadmissionpolicies.admissionregistration.k8s.io; get, create, update validatingadmissionpolicybindings.admissionregistration.k8s.io)",
	} {
		if acc.Unprotected[i] != want {
			t.Errorf("unprotected[%d] = %q, want %q", i, acc.Unprotected[i], want)
		}
	}
	if acc, _, _ := runPreflight(t, allowAll); len(acc.Unprotected) != 0 {
		t.Fatalf("admin: unprotected %q", acc.Unprotected)
	}
}
