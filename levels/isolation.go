package levels

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/k8squest/k8squest/engine/kube"
)

// isolationSpec is the part of level.yaml that loosens or tightens what
// confines the player: the Pod Security profile, the Service types the
// level uses, and the quota.
type isolationSpec struct {
	// PodSecurity replaces the baseline profile; anything looser needs a
	// reason.
	PodSecurity *podSecuritySpec `json:"podSecurity"`
	// Services names the Service types the player may make beyond
	// ClusterIP.
	Services *servicesSpec `json:"services"`
	// Quota overrides entries of the default ResourceQuota (kube.DefaultQuota).
	Quota map[string]any `json:"quota"`
}

type podSecuritySpec struct {
	Level  string `json:"level"`
	Reason string `json:"reason"`
}

type servicesSpec struct {
	NodePort     bool `json:"nodePort"`
	LoadBalancer bool `json:"loadBalancer"`
	// DefaultNodePort is the node port ${NODE_PORT} stands for when one
	// player plays on the level's own namespace and the port is free; on a
	// shared cluster each player gets their own instead.
	DefaultNodePort int32 `json:"defaultNodePort"`
}

// isolation checks the isolation fields and fills l.Protections.
func (b *builder) isolation(l *Level) error {
	s := b.spec.isolationSpec
	if ps := s.PodSecurity; ps != nil {
		if !kube.ValidPodSecurity(ps.Level) {
			return b.errf("podSecurity.level", "must be baseline, restricted or privileged, got %q", ps.Level)
		}
		if ps.Level == kube.PodSecurityPrivileged && strings.TrimSpace(ps.Reason) == "" {
			return b.errf("podSecurity.reason", "is required for the privileged profile: say why the level's pods need more than baseline allows")
		}
		l.Protections.PodSecurity = ps.Level
	}
	if sv := s.Services; sv != nil {
		l.Protections.NodePorts = sv.NodePort
		l.Protections.LoadBalancers = sv.LoadBalancer
		if sv.DefaultNodePort != 0 && !sv.NodePort {
			return b.errf("services.defaultNodePort", "is set, but the level declares no node ports: add nodePort: true")
		}
		if p := sv.DefaultNodePort; p != 0 && (p < kube.NodePortsFirst || p > kube.NodePortsLast) {
			return b.errf("services.defaultNodePort", "must lie in the default node-port range %d-%d, got %d", kube.NodePortsFirst, kube.NodePortsLast, p)
		}
		l.defaultNodePort = sv.DefaultNodePort
	}
	return b.quota(l, s.Quota)
}

func (b *builder) quota(l *Level, over map[string]any) error {
	known := kube.QuotaResources()
	for k, v := range over {
		field := "quota." + k
		if !slices.Contains(known, corev1.ResourceName(k)) {
			return b.errf(field, "is not a quota the game sets; use one of %v", known)
		}
		q, err := resource.ParseQuantity(fmt.Sprint(v))
		if err != nil || q.Sign() < 0 {
			return b.errf(field, "must be a non-negative quantity such as 30 or 2Gi, got %v", v)
		}
		if l.Protections.Quota == nil {
			l.Protections.Quota = map[corev1.ResourceName]resource.Quantity{}
		}
		l.Protections.Quota[corev1.ResourceName(k)] = q
	}
	return nil
}
