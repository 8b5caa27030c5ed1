package kube

import (
	"fmt"
	"maps"
)

// Pod Security Admission, as the game asks it of every namespace it makes:
// pods that break the baseline profile (privileged containers, host
// namespaces, hostPath volumes, host ports, added capabilities) are refused;
// pods that would break the restricted profile are admitted, with a warning
// for the player and an audit entry. The versions are pinned, so that a
// newer API server does not change what a level may run.
const (
	// PodSecurityVersion is the version of the profiles the game pins.
	PodSecurityVersion = "v1.37"
	// PodSecurityBaseline is the profile every level namespace enforces
	// unless the level says why it needs another.
	PodSecurityBaseline = "baseline"
	// PodSecurityRestricted is the profile the player is warned about.
	PodSecurityRestricted = "restricted"
	// PodSecurityPrivileged lets any pod run; a level must say why.
	PodSecurityPrivileged = "privileged"

	psaPrefix = "pod-security.kubernetes.io/"
)

// ValidPodSecurity reports whether level names a Pod Security profile.
func ValidPodSecurity(level string) bool {
	switch level {
	case PodSecurityBaseline, PodSecurityRestricted, PodSecurityPrivileged:
		return true
	}
	return false
}

// podSecurityLabels returns the namespace labels that enforce profile
// enforce ("" for baseline) and warn and audit against restricted.
func podSecurityLabels(enforce string) map[string]string {
	if enforce == "" {
		enforce = PodSecurityBaseline
	}
	return map[string]string{
		psaPrefix + "enforce":         enforce,
		psaPrefix + "enforce-version": PodSecurityVersion,
		psaPrefix + "warn":            PodSecurityRestricted,
		psaPrefix + "warn-version":    PodSecurityVersion,
		psaPrefix + "audit":           PodSecurityRestricted,
		psaPrefix + "audit-version":   PodSecurityVersion,
	}
}

// namespaceLabels are the labels of a namespace the game makes for level
// (0: no level), under the level's protections.
func namespaceLabels(level int, p Protections) map[string]string {
	l := managed(level)
	maps.Copy(l, podSecurityLabels(p.PodSecurity))
	if p.NodePorts {
		l[LabelAllowNodePorts] = "true"
	}
	if p.LoadBalancers {
		l[LabelAllowLoadBalancers] = "true"
	}
	return l
}

// namespaceAnnotations carry the node-port range the player may use, when
// the game gave one.
func namespaceAnnotations(p Protections) map[string]string {
	if p.NodePortRange == nil {
		return nil
	}
	return map[string]string{
		AnnotationNodePortMin: fmt.Sprint(p.NodePortRange.Min),
		AnnotationNodePortMax: fmt.Sprint(p.NodePortRange.Max),
	}
}
