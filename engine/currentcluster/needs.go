package currentcluster

import (
	"fmt"
	"strings"

	authzv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/k8squest/k8squest/engine/kube"
)

// DNSNamespace is where the game looks for the cluster DNS pod it
// port-forwards to.
const DNSNamespace = "kube-system"

// permission is one question for the API server: may this identity do Verb
// on this resource? An empty Namespace means cluster-wide.
type permission struct {
	Verb, Group, Resource, Subresource, Namespace, Name string
}

// attributes is the permission as a SelfSubjectAccessReview asks it.
func (p permission) attributes() *authzv1.ResourceAttributes {
	return &authzv1.ResourceAttributes{
		Verb: p.Verb, Group: p.Group, Resource: p.Resource,
		Subresource: p.Subresource, Namespace: p.Namespace, Name: p.Name,
	}
}

// object names what the permission is about, the way kubectl names
// resources: "deployments.apps in k8squest", "serviceaccounts/token in
// k8squest-players", "namespaces".
func (p permission) object() string {
	s := p.Resource
	if p.Subresource != "" {
		s += "/" + p.Subresource
	}
	if p.Group != "" {
		s += "." + p.Group
	}
	if p.Name != "" {
		s += " " + p.Name
	}
	if p.Namespace != "" {
		s += " in " + p.Namespace
	}
	return s
}

// String implements fmt.Stringer: "create namespaces".
func (p permission) String() string { return p.Verb + " " + p.object() }

// need is one thing the game's set-up does. It is met when every permission
// of any one of its ways is allowed; ways are asked in order, so the first
// is the one most identities meet.
type need struct {
	ways [][]permission
	// what names the need when no way is met; empty means: name the
	// missing permissions of the first way.
	what string
	// warn, when set, makes the need optional: what is lost without it.
	warn string
	// protection, on an optional need, names the protection it puts in
	// place, which a game shared by several players must have.
	protection string
}

// one is a need met by a single permission.
func one(p permission) need { return need{ways: [][]permission{{p}}} }

// each returns the permission for every verb.
func each(p permission, verbs ...string) []permission {
	out := make([]permission, len(verbs))
	for i, v := range verbs {
		out[i] = p
		out[i].Verb = v
	}
	return out
}

// levelKinds are the kinds a level's broken state is made of, which the game
// applies (create and patch), removes and watches.
var levelKinds = []permission{
	{Resource: "services"}, {Resource: "pods"}, {Resource: "configmaps"},
	{Group: "apps", Resource: "deployments"}, {Group: "apps", Resource: "statefulsets"},
	{Group: "networking.k8s.io", Resource: "ingresses"},
	{Group: "networking.k8s.io", Resource: "networkpolicies"},
}

// adminNeeds lists what setting a level up in namespace ns asks of the
// admin identity, in the order the game does it.
func adminNeeds(ns string) []need {
	var ps []permission
	ps = append(ps, each(permission{Resource: "namespaces"}, "create", "delete", "list", "watch")...)
	ps = append(ps, each(permission{Resource: "serviceaccounts", Namespace: kube.PlayersNamespace}, "create")...)
	ps = append(ps, each(permission{Resource: "serviceaccounts", Subresource: "token", Namespace: kube.PlayersNamespace}, "create")...)
	ps = append(ps, each(permission{Group: rbacv1.GroupName, Resource: "clusterroles"}, "create", "update")...)
	ps = append(ps, each(permission{Group: rbacv1.GroupName, Resource: "clusterrolebindings"}, "create", "update")...)
	ps = append(ps, each(permission{Group: rbacv1.GroupName, Resource: "roles", Namespace: ns}, "create", "update")...)
	ps = append(ps, each(permission{Group: rbacv1.GroupName, Resource: "rolebindings", Namespace: ns}, "create", "update")...)
	for _, k := range levelKinds {
		k.Namespace = ns
		ps = append(ps, each(k, "create", "patch", "delete", "list", "watch")...)
	}
	ps = append(ps, each(permission{Group: "discovery.k8s.io", Resource: "endpointslices", Namespace: ns}, "list", "watch")...)
	// Free cluster IPs are found among every namespace's Services.
	ps = append(ps, permission{Verb: "list", Resource: "services"})
	needs := make([]need, 0, len(ps)+8)
	for _, p := range ps {
		needs = append(needs, one(p))
	}
	needs = append(needs, serviceRangeNeed(), grantRoleNeed(ns), grantViewNeed(), dnsNeed())
	return append(needs, protectionNeeds(ns)...)
}

// serviceRangeNeed: the service IP range is read from ServiceCIDR objects,
// or else from the refusal of a dry-run Service in "default".
func serviceRangeNeed() need {
	return need{
		ways: [][]permission{
			{{Verb: "list", Group: "networking.k8s.io", Resource: "servicecidrs"}},
			{{Verb: "create", Resource: "services", Namespace: "default"}},
		},
		what: "learn the service IP range (list servicecidrs.networking.k8s.io, or create services in default, dry run only)",
	}
}

// grantRoleNeed: creating the player's Role and binding it takes either the
// escalate and bind verbs, or holding every right the Role grants.
func grantRoleNeed(ns string) need {
	role := permission{Group: rbacv1.GroupName, Resource: "roles", Namespace: ns}
	bind := role
	bind.Name = kube.PlayerRole
	return need{
		ways: [][]permission{
			append(each(role, "escalate"), each(bind, "bind")...),
			covering(kube.PlayerNamespaceRules(), ns),
		},
		what: fmt.Sprintf("grant the player's Role %s in %s (this takes escalate and bind on roles, or holding every right that Role grants)",
			kube.PlayerRole, ns),
	}
}

// grantViewNeed is grantRoleNeed for the player's read-only ClusterRole.
func grantViewNeed() need {
	role := permission{Group: rbacv1.GroupName, Resource: "clusterroles"}
	bind := role
	bind.Name = kube.PlayerViewClusterRole
	return need{
		ways: [][]permission{
			append(each(role, "escalate"), each(bind, "bind")...),
			covering(kube.PlayerViewRules(), ""),
		},
		what: fmt.Sprintf("grant the player's ClusterRole %s (this takes escalate and bind on clusterroles, or holding every right it grants)",
			kube.PlayerViewClusterRole),
	}
}

// dnsNeed: the game reaches the cluster DNS through a port-forward to a DNS
// pod. Without it only the DNS checks suffer.
func dnsNeed() need {
	pods := permission{Resource: "pods", Namespace: DNSNamespace}
	fwd := pods
	fwd.Subresource = "portforward"
	return need{
		ways: [][]permission{append(each(pods, "list"), each(fwd, "create")...)},
		warn: "DNS checks will show Unknown, because the game asks the cluster DNS through a port-forward to its DNS pod",
	}
}

// covering turns RBAC rules into the permissions that hold them: one per
// group, resource and verb, wildcards kept, which the API server answers the
// way it checks for escalation (a "*" is held only by a "*").
func covering(rules []rbacv1.PolicyRule, ns string) []permission {
	var out []permission
	for _, r := range rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				name, sub, _ := strings.Cut(res, "/")
				for _, v := range r.Verbs {
					out = append(out, permission{Verb: v, Group: g, Resource: name, Subresource: sub, Namespace: ns})
				}
			}
		}
	}
	return out
}
