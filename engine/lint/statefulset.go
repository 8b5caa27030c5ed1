package lint

import (
	"context"
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// statefulSetServiceRule runs the game's statefulSetService and
// serviceHeadless checks (level 30) for every StatefulSet, on a snapshot of
// the input, and turns their failures into findings (KQ001, KQ002, KQ003).
func statefulSetServiceRule(ctx context.Context, set *objectSet) []Finding {
	snap := set.snapshot()
	var fs []Finding
	for _, o := range set.objects {
		if sts, ok := o.obj.(*appsv1.StatefulSet); ok {
			fs = append(fs, lintStatefulSet(ctx, set, snap, o, sts)...)
		}
	}
	return fs
}

func lintStatefulSet(ctx context.Context, set *objectSet, snap *snapshot.Snapshot, o *object, sts *appsv1.StatefulSet) []Finding {
	name, svcName := o.loc.Name, sts.Spec.ServiceName
	if svcName == "" {
		f := finding(RuleServiceMissing, o.at("spec.serviceName"), "StatefulSet %s has no spec.serviceName, so its pods get no stable DNS names (%s-0.<service>); name a headless Service there", name, name)
		f.Severity = Warning
		return []Finding{f}
	}
	env := &check.Env{Namespace: o.loc.Namespace, Snap: snap}
	params := map[string]string{"statefulSet": name, "service": svcName}
	wiring := runCheck(ctx, "statefulSetService", params, env)
	svc := set.service(o.loc.Namespace, svcName)
	if svc == nil {
		return []Finding{finding(RuleServiceMissing, o.at("spec.serviceName"), "%s in the input (namespace %s); define it as a headless Service (clusterIP: None) selecting the StatefulSet's pods", wiring.Diagnosis, o.loc.Namespace)}
	}
	ref := fmt.Sprintf("StatefulSet %s (%s document %d) names it in spec.serviceName", name, o.loc.File, o.loc.Document)
	var fs []Finding
	if !wiring.Passed() {
		fs = append(fs, finding(RuleSelectorWiring, svc.at("spec.selector"), "%s; %s", wiring.Diagnosis, ref))
	}
	delete(params, "statefulSet")
	if r := runCheck(ctx, "serviceHeadless", params, env); !r.Passed() {
		fs = append(fs, finding(RuleNotHeadless, svc.at(headlessField(svc)), "%s; %s, so its pods' names (%s-0.%s) need a headless Service", headlessMessage(svc, r), ref, name, svcName))
	}
	return fs
}

// headlessMessage is the check's message, except for a manifest that leaves
// clusterIP out: the check, written for live objects, would print it empty.
func headlessMessage(o *object, r check.Result) string {
	svc := o.obj.(*corev1.Service)
	if svc.Spec.ClusterIP == "" && headlessField(o) == "spec.clusterIP" {
		return fmt.Sprintf("Service %s has no spec.clusterIP, so the API server will give it a virtual IP; a headless Service has clusterIP: None", o.loc.Name)
	}
	return r.Diagnosis
}

// headlessField is the field to change to make a Service headless.
func headlessField(o *object) string {
	svc := o.obj.(*corev1.Service)
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		return "spec.type"
	}
	return "spec.clusterIP"
}

// runCheck builds one of the game's checks and runs it. The parameters are
// fixed by this package, so a build error is a programming error and is
// reported as the check's message.
func runCheck(ctx context.Context, typ string, params map[string]string, env *check.Env) check.Result {
	raw, err := json.Marshal(params)
	if err != nil {
		return check.Result{Status: check.Unknown, Message: err.Error(), Diagnosis: err.Error()}
	}
	c, err := check.Build(typ, raw)
	if err != nil {
		msg := fmt.Sprintf("check %s: %v", typ, err)
		return check.Result{Status: check.Unknown, Message: msg, Diagnosis: msg}
	}
	return c.Run(ctx, env)
}
