package currentcluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/k8squest/k8squest/engine/cluster"
)

// PreflightTimeout bounds the whole preflight.
const PreflightTimeout = 30 * time.Second

// ErrMissingAccess says that the identity may not do what setting a level
// up needs.
var ErrMissingAccess = errors.New("k8squest cannot set levels up on this cluster")

// Access is what the preflight learnt about the identity.
type Access struct {
	// Context is the kubeconfig context asked about.
	Context string
	// User is the identity's user name as the API server knows it; empty
	// when nothing was missing, or when the server would not say.
	User string
	// Missing names each needed thing no way of which is allowed.
	Missing []string
	// Warnings name each optional thing that is not allowed, and its cost.
	Warnings []string
	// Unprotected names each protection of the player that the identity
	// cannot put in place, with the rights it lacks: "ResourceQuota and
	// LimitRange (may not create, update resourcequotas in k8squest)". Each
	// is among the Warnings too.
	Unprotected []string
	// Asked counts the SelfSubjectAccessReviews sent.
	Asked int
	// inNamespace says every missing permission lies in the level namespace.
	inNamespace bool
}

// Preflight asks the API server, with SelfSubjectAccessReviews, whether
// c's identity may do everything setting a level up in namespace ns takes:
// creating and deleting namespaces, the player's ServiceAccount, token and
// RBAC, and the level's objects. It creates nothing. When something is
// missing, the error (wrapping ErrMissingAccess) says all of it in one
// message, with what to do instead. Optional rights that are missing come
// back as warnings.
func Preflight(ctx context.Context, c *cluster.Cluster, ns string) (*Access, error) {
	ctx, cancel := context.WithTimeout(ctx, PreflightTimeout)
	defer cancel()
	cfg := rest.CopyConfig(c.REST)
	// Dozens of small questions: client-go's default 5 per second would
	// take seconds.
	cfg.QPS, cfg.Burst = 100, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("API client: %w", err)
	}
	return preflight(ctx, cs, c.Context, ns)
}

// preflight is Preflight on a clientset.
func preflight(ctx context.Context, cs kubernetes.Interface, kubeContext, ns string) (*Access, error) {
	a := newAsker(cs.AuthorizationV1().SelfSubjectAccessReviews())
	needs := adminNeeds(ns)
	if err := askAll(ctx, a, needs); err != nil {
		return nil, err
	}
	acc := summarize(a, needs, ns)
	acc.Context = kubeContext
	if len(acc.Missing) > 0 || len(acc.Warnings) > 0 {
		acc.User = whoAmI(ctx, cs)
	}
	if len(acc.Missing) > 0 {
		return acc, acc.err()
	}
	return acc, nil
}

// askAll asks the first way of every need, then the next way of the needs
// not met yet, and so on.
func askAll(ctx context.Context, a *asker, needs []need) error {
	for round := 0; ; round++ {
		var ps []permission
		for _, n := range needs {
			if round < len(n.ways) && !a.met(n, round) {
				ps = append(ps, n.ways[round]...)
			}
		}
		if len(ps) == 0 {
			return nil
		}
		if err := a.ask(ctx, ps); err != nil {
			return err
		}
	}
}

// met says whether one of the first ways of n is allowed in full.
func (a *asker) met(n need, ways int) bool {
	for _, w := range n.ways[:min(ways, len(n.ways))] {
		if len(a.missing(w)) == 0 {
			return true
		}
	}
	return false
}

// summarize names what is missing: single permissions grouped by the object
// they are about ("create, delete namespaces"), then the needs that name
// themselves.
func summarize(a *asker, needs []need, ns string) *Access {
	acc := &Access{Asked: a.asked, inNamespace: true}
	var plain []permission
	var named []string
	for _, n := range needs {
		if a.met(n, len(n.ways)) {
			continue
		}
		miss := a.missing(n.ways[0])
		if n.warn != "" {
			acc.Warnings = append(acc.Warnings, fmt.Sprintf("may not %s: %s", group(miss), n.warn))
			if n.protection != "" {
				acc.Unprotected = append(acc.Unprotected, fmt.Sprintf("%s (may not %s)", n.protection, group(miss)))
			}
			continue
		}
		for _, p := range miss {
			acc.inNamespace = acc.inNamespace && p.Namespace == ns
		}
		if n.what != "" {
			named = append(named, n.what)
		} else {
			plain = append(plain, miss...)
		}
	}
	if len(plain) > 0 {
		acc.Missing = append(acc.Missing, strings.Split(group(plain), "; ")...)
	}
	acc.Missing = append(acc.Missing, named...)
	return acc
}

// group joins permissions, merging the verbs of the same object:
// "create, delete namespaces; create clusterroles.rbac.authorization.k8s.io".
func group(ps []permission) string {
	var order []string
	verbs := map[string][]string{}
	for _, p := range ps {
		o := p.object()
		if _, ok := verbs[o]; !ok {
			order = append(order, o)
		}
		verbs[o] = append(verbs[o], p.Verb)
	}
	parts := make([]string, len(order))
	for i, o := range order {
		parts[i] = strings.Join(verbs[o], ", ") + " " + o
	}
	return strings.Join(parts, "; ")
}

// whoAmI asks the API server for the identity's user name; "" when it
// will not say (before Kubernetes 1.28, or forbidden).
func whoAmI(ctx context.Context, cs kubernetes.Interface) string {
	r, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return ""
	}
	return r.Status.UserInfo.Username
}

// Who names the identity for a message: `on context "ctx" your identity
// (user "alice")`.
func (acc *Access) Who() string {
	s := fmt.Sprintf("on context %q your identity", acc.Context)
	if acc.User != "" {
		s += fmt.Sprintf(" (user %q)", acc.User)
	}
	return s
}

// err is the one message for everything missing.
func (acc *Access) err() error {
	instead := "ask the cluster's administrator for cluster-admin or these rights"
	if acc.inNamespace {
		instead += ", use -n with a namespace where you hold them"
	}
	return fmt.Errorf("%w: %s may not: %s. The game sets each level up as an administrator "+
		"(it creates the level's namespaces, the player's ServiceAccount in k8squest-players and its RBAC): "+
		"%s, or play on a cluster the game makes itself with --provider kind or --provider sim",
		ErrMissingAccess, acc.Who(), strings.Join(acc.Missing, "; "), instead)
}

// WarningLines returns the warnings as sentences naming the identity.
func (acc *Access) WarningLines() []string {
	out := make([]string, len(acc.Warnings))
	for i, w := range acc.Warnings {
		out[i] = acc.Who() + " " + w
	}
	return out
}
