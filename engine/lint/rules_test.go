package lint

import (
	"fmt"
	"strings"
	"testing"
)

// svcYAML is a Service in the default namespace.
func svcYAML(name, spec string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: %s}\nspec: %s\n", name, spec)
}

// stsYAML is a StatefulSet whose pods are labelled app=NAME.
func stsYAML(name, serviceName, container string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: %[1]s}
spec:
  serviceName: %[2]q
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [%[3]s]
`, name, serviceName, container)
}

const dbContainer = `{name: db, image: db, ports: [{name: sql, containerPort: 5432}]}`

type ruleCase struct {
	name string
	docs []string
	want []brief
}

// runRuleCases lints each case's documents as one file, f.yaml, and keeps
// only the findings of the rules under test.
func runRuleCases(t *testing.T, rules []string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := lintFiles(t, "f.yaml", strings.Join(tc.docs, "---\n"))
			got := []brief{}
			for _, b := range briefs(r) {
				for _, id := range rules {
					if b.rule == id {
						got = append(got, b)
					}
				}
			}
			if tc.want == nil {
				tc.want = []brief{}
			}
			if !equalBriefs(got, tc.want) {
				t.Errorf("got %+v\nwant %+v\nfindings: %+v", got, tc.want, r.Findings)
			}
		})
	}
}

func TestStatefulSetServiceRules(t *testing.T) {
	headless := svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: sql}]}`)
	rules := []string{RuleServiceMissing, RuleNotHeadless, RuleSelectorWiring}
	runRuleCases(t, rules, []ruleCase{
		{"headless and wired", []string{headless, stsYAML("db", "db", dbContainer)}, nil},
		{"Service after the StatefulSet", []string{stsYAML("db", "db", dbContainer), headless}, nil},
		{"names no Service", []string{stsYAML("db", "database", dbContainer), headless},
			[]brief{{RuleServiceMissing, "error", "f.yaml", 1, "spec.serviceName"}}},
		{"empty serviceName", []string{stsYAML("db", "", dbContainer)},
			[]brief{{RuleServiceMissing, "warning", "f.yaml", 1, "spec.serviceName"}}},
		{"fixed clusterIP", []string{svcYAML("db", `{clusterIP: 10.96.0.50, selector: {app: db}}`), stsYAML("db", "db", dbContainer)},
			[]brief{{RuleNotHeadless, "error", "f.yaml", 1, "spec.clusterIP"}}},
		{"clusterIP left out", []string{svcYAML("db", `{selector: {app: db}}`), stsYAML("db", "db", dbContainer)},
			[]brief{{RuleNotHeadless, "error", "f.yaml", 1, "spec.clusterIP"}}},
		{"NodePort", []string{svcYAML("db", `{type: NodePort, selector: {app: db}}`), stsYAML("db", "db", dbContainer)},
			[]brief{{RuleNotHeadless, "error", "f.yaml", 1, "spec.type"}}},
		{"selector misses the pods", []string{svcYAML("db", `{clusterIP: None, selector: {app: dbs}}`), stsYAML("db", "db", dbContainer)},
			[]brief{{RuleSelectorWiring, "error", "f.yaml", 1, "spec.selector"}}},
		{"no selector", []string{svcYAML("db", `{clusterIP: None}`), stsYAML("db", "db", dbContainer)},
			[]brief{{RuleSelectorWiring, "error", "f.yaml", 1, "spec.selector"}}},
	})
}

func TestServiceSelectsNothingRule(t *testing.T) {
	dep := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: web, image: web}]}}
`
	job := `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "@daily"
  jobTemplate: {spec: {template: {metadata: {labels: {app: backup}}, spec: {restartPolicy: Never, containers: [{name: b, image: b}]}}}}
`
	runRuleCases(t, []string{RuleSelectsNothing}, []ruleCase{
		{"subset of the labels", []string{svcYAML("web", `{selector: {app: web}}`), dep}, nil},
		{"CronJob pods count", []string{svcYAML("b", `{selector: {app: backup}}`), job}, nil},
		{"typo", []string{svcYAML("web", `{selector: {app: wbe}}`), dep},
			[]brief{{RuleSelectsNothing, "warning", "f.yaml", 1, "spec.selector"}}},
		{"more labels than the pods have", []string{svcYAML("web", `{selector: {app: web, tier: back}}`), dep},
			[]brief{{RuleSelectsNothing, "warning", "f.yaml", 1, "spec.selector"}}},
		{"no selector is left alone", []string{svcYAML("ext", `{ports: [{port: 5432}]}`)}, nil},
		{"ExternalName is left alone", []string{svcYAML("ext", `{type: ExternalName, externalName: db.example.com, selector: {app: x}}`)}, nil},
	})
}

func TestTargetPortRule(t *testing.T) {
	sts := stsYAML("db", "db", dbContainer)
	sidecar := stsYAML("db", "db", `{name: db, image: db}], initContainers: [{name: proxy, image: p, restartPolicy: Always, ports: [{name: sql, containerPort: 5432}]}`)
	runRuleCases(t, []string{RuleTargetPort}, []ruleCase{
		{"named port declared", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: sql}]}`), sts}, nil},
		{"number declared", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 80, targetPort: 5432}]}`), sts}, nil},
		{"no targetPort: port is used", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}`), sts}, nil},
		{"sidecar port", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: sql}]}`), sidecar}, nil},
		{"unknown name", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 80}, {port: 5432, targetPort: postgres}]}`), sts},
			[]brief{{RuleTargetPort, "warning", "f.yaml", 1, "spec.ports[0].port"}, {RuleTargetPort, "error", "f.yaml", 1, "spec.ports[1].targetPort"}}},
		{"number not declared", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: 5433}]}`), sts},
			[]brief{{RuleTargetPort, "warning", "f.yaml", 1, "spec.ports[0].targetPort"}}},
		{"protocol differs", []string{svcYAML("db", `{clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: sql, protocol: UDP}]}`), sts},
			[]brief{{RuleTargetPort, "error", "f.yaml", 1, "spec.ports[0].targetPort"}}},
		{"nothing selected: not this rule", []string{svcYAML("db", `{selector: {app: nope}, ports: [{port: 1, targetPort: x}]}`), sts}, nil},
	})
}

func TestPodIPRule(t *testing.T) {
	env := func(name, value string) string {
		return stsYAML("db", "", fmt.Sprintf(`{name: db, image: db, env: [{name: %s, value: %q}]}`, name, value))
	}
	args := func(a string) string { return stsYAML("db", "", fmt.Sprintf(`{name: db, image: db, args: [%q]}`, a)) }
	cm := func(k, v string) string {
		return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  %s: %q\n", k, v)
	}
	envField := "spec.template.spec.containers[0].env[0].value"
	runRuleCases(t, []string{RulePodIP}, []ruleCase{
		{"DNS name", []string{env("PRIMARY_HOST", "db-0.db:5432")}, nil},
		{"kind pod IP, any key", []string{env("FOO", "10.244.3.7")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"k3s pod IP", []string{env("X", "10.42.0.9")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"microk8s pod IP", []string{env("X", "10.1.20.3")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"calico pod IP", []string{env("X", "192.168.7.3")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"docker-ish pod IP", []string{env("X", "172.17.0.4")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"any IP in a host-like key", []string{env("DB_HOST", "10.0.3.4")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"any IP with a port", []string{env("TARGET", "34.1.2.3:443")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"any IP in a URL", []string{env("X", "http://8.8.4.4/x")}, []brief{{RulePodIP, "warning", "f.yaml", 1, envField}}},
		{"public IP, not host-like", []string{env("LIMIT", "8.8.4.4")}, nil},
		{"bind-all and loopback", []string{env("LISTEN_ADDR", "0.0.0.0:80,127.0.0.1:81")}, nil},
		{"CIDR is not an address", []string{env("ALLOWED_NETS", "10.244.0.0/16")}, nil},
		{"version numbers", []string{env("VERSION", "1.2.3"), cm("v", "10.244.1")}, nil},
		{"two IPs in one arg", []string{args("--peers=10.244.0.1:7000,10.244.0.2:7000")},
			[]brief{{RulePodIP, "warning", "f.yaml", 1, "spec.template.spec.containers[0].args[0]"}, {RulePodIP, "warning", "f.yaml", 1, "spec.template.spec.containers[0].args[0]"}}},
		{"ConfigMap value", []string{cm("seeds", "a\nseed_provider: 10.0.0.8\n")}, []brief{{RulePodIP, "warning", "f.yaml", 1, `data["seeds"]`}}},
	})
}

func TestFixedClusterIPRule(t *testing.T) {
	sts := stsYAML("db", "db-hs", dbContainer)
	runRuleCases(t, []string{RuleFixedClusterIP}, []ruleCase{
		{"governing Service", []string{svcYAML("db-hs", `{clusterIP: 10.96.0.9, selector: {app: db}}`), sts},
			[]brief{{RuleFixedClusterIP, "warning", "f.yaml", 1, "spec.clusterIP"}}},
		{"read Service selecting the pods", []string{svcYAML("db-hs", `{clusterIP: None, selector: {app: db}}`), svcYAML("db-read", `{clusterIP: 10.96.0.10, selector: {app: db}}`), sts},
			[]brief{{RuleFixedClusterIP, "warning", "f.yaml", 2, "spec.clusterIP"}}},
		{"allocated clusterIP", []string{svcYAML("db-read", `{selector: {app: db}}`), sts}, nil},
		{"Deployment's Service", []string{svcYAML("web", `{clusterIP: 10.96.0.11, selector: {app: web}}`), sts}, nil},
	})
}

func TestRuleIDsAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || seen[r.Name] || r.Summary == "" {
			t.Errorf("rule %+v: duplicate or undocumented", r)
		}
		seen[r.ID], seen[r.Name] = true, true
	}
}
