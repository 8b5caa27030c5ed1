package lint

import "fmt"

// RuleInfo describes one rule: its id, short name, default severity and what
// it looks for.
type RuleInfo struct {
	ID       string
	Name     string
	Severity Severity
	Summary  string
}

// Rule ids. KQ0xx are about objects, KQ1xx about the input itself.
const (
	RuleServiceMissing  = "KQ001"
	RuleNotHeadless     = "KQ002"
	RuleSelectorWiring  = "KQ003"
	RuleSelectsNothing  = "KQ004"
	RuleTargetPort      = "KQ005"
	RulePodIP           = "KQ006"
	RuleFixedClusterIP  = "KQ007"
	RuleMalformed       = "KQ100"
	RuleUnknownKind     = "KQ101"
	RuleEmpty           = "KQ102"
	RuleUnknownField    = "KQ103"
	RuleDuplicateObject = "KQ104"
)

// Rules lists every rule, by id.
var Rules = []RuleInfo{
	{RuleServiceMissing, "statefulset-service-missing", Error, "a StatefulSet's spec.serviceName names no Service in the input (a warning when it is empty)"},
	{RuleNotHeadless, "statefulset-service-not-headless", Error, "the Service a StatefulSet names in spec.serviceName is not headless (clusterIP: None)"},
	{RuleSelectorWiring, "statefulset-service-selector", Error, "the Service a StatefulSet names has no selector, or one that does not match the StatefulSet's pods"},
	{RuleSelectsNothing, "service-selects-nothing", Warning, "a Service's selector matches no workload's pod template labels in the input"},
	{RuleTargetPort, "service-target-port", Error, "a Service targetPort that no selected container declares (error for a port name, warning for a number)"},
	{RulePodIP, "pod-ip-literal", Warning, "an IPv4 literal where a DNS name belongs: inside a common pod CIDR, or in a host-like env, arg or ConfigMap value"},
	{RuleFixedClusterIP, "statefulset-service-fixed-cluster-ip", Warning, "a fixed spec.clusterIP on a Service that a StatefulSet relies on"},
	{RuleMalformed, "malformed-manifest", Error, "a document is not valid YAML or JSON, lacks apiVersion, kind or metadata.name, or does not decode as its kind"},
	{RuleUnknownKind, "unknown-kind", Warning, "a kind this linter does not know (a custom resource, or a typo); it is not checked"},
	{RuleEmpty, "empty-input", Error, "a file, or the whole input, holds no Kubernetes object (a warning for one file among others)"},
	{RuleUnknownField, "unknown-field", Warning, "a field the kind does not have, usually a typo that Kubernetes would drop"},
	{RuleDuplicateObject, "duplicate-object", Warning, "the same kind, namespace and name appear twice; the later one wins on apply"},
}

// ruleInfo returns the rule with id; it panics on an unknown id, a programming error.
func ruleInfo(id string) RuleInfo {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	panic("lint: unknown rule " + id)
}

// finding builds a finding of rule id at loc with the rule's default severity.
func finding(id string, loc Location, format string, a ...any) Finding {
	r := ruleInfo(id)
	return Finding{Rule: r.ID, RuleName: r.Name, Severity: r.Severity, Location: loc, Message: fmt.Sprintf(format, a...)}
}
