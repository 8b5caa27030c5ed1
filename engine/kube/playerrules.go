package kube

import rbacv1 "k8s.io/api/rbac/v1"

// Names of the player's RBAC objects, for a caller that checks beforehand
// whether it may create them.
const (
	// PlayerRole is the Role, and its RoleBinding, in each level namespace.
	PlayerRole = playerRole
	// PlayerViewClusterRole is the player's read-only ClusterRole.
	PlayerViewClusterRole = viewClusterRole
)

// PlayerNamespaceRules returns a copy of the rules of the player's Role in
// each level namespace.
func PlayerNamespaceRules() []rbacv1.PolicyRule { return copyRules(playerNamespaceRules) }

// PlayerViewRules returns a copy of the rules of the player's read-only
// ClusterRole.
func PlayerViewRules() []rbacv1.PolicyRule { return copyRules(playerViewRules) }

func copyRules(in []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, len(in))
	for i := range in {
		in[i].DeepCopyInto(&out[i])
	}
	return out
}
