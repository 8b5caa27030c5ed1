package currentcluster

import "github.com/k8squest/k8squest/engine/kube"

// protectionNeeds are the rights the game uses to confine the player beyond
// RBAC. Without one the game still runs, with that protection missing: the
// warning names it.
func protectionNeeds(ns string) []need {
	var quota []permission
	for _, r := range []string{"resourcequotas", "limitranges"} {
		quota = append(quota, each(permission{Resource: r, Namespace: ns}, "create", "update")...)
	}
	quota = append(quota, each(permission{Resource: "resourcequotas", Namespace: ns}, "list", "watch")...)
	const adm = "admissionregistration.k8s.io"
	var policies []permission
	for _, r := range []string{"validatingadmissionpolicies", "validatingadmissionpolicybindings"} {
		policies = append(policies, each(permission{Group: adm, Resource: r}, "get", "create", "update")...)
	}
	claims := each(permission{Group: "coordination.k8s.io", Resource: "leases", Namespace: kube.PlayersNamespace},
		"get", "list", "create", "update", "delete")
	return []need{
		{
			ways:       [][]permission{each(permission{Resource: "namespaces"}, "patch")},
			warn:       "protection missing: Pod Security labels are set only on namespaces the game creates, never updated on ones that exist",
			protection: "Pod Security labels on namespaces that exist",
		},
		{
			ways:       [][]permission{quota},
			warn:       "protection missing: the level's namespaces get no ResourceQuota or LimitRange, so a player can fill the cluster",
			protection: "ResourceQuota and LimitRange",
		},
		{
			ways:       [][]permission{policies},
			warn:       "protection missing: no admission policies on Services, so a player may set externalIPs and make NodePort and LoadBalancer Services",
			protection: "admission policies on Services",
		},
		{
			ways:       [][]permission{claims},
			warn:       "protection missing: node ports are not shared out (Leases in " + kube.PlayersNamespace + "), so every player of a node-port level is told the level's own port and two players collide on it",
			protection: "node ports of their own for each player",
		},
	}
}
