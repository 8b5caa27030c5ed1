package check

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// The API server's words, as the quota admission plugin writes them.
const refused = `configmaps "flood-20" is forbidden: exceeded quota: k8squest-level, requested: configmaps=1, used: configmaps=20, limited: configmaps=20`

func TestExplainQuota(t *testing.T) {
	got, ok := ExplainQuota(refused)
	want := "the namespace's ResourceQuota k8squest-level is full (configmaps: 20 of 20 in use, 1 more asked for); delete objects you no longer need (kubectl describe resourcequota k8squest-level shows what counts) or reset the level"
	if !ok || got != want {
		t.Fatalf("got %v %q", ok, got)
	}
	two := `pods "web-1" is forbidden: exceeded quota: q, requested: limits.cpu=500m,pods=1, used: limits.cpu=10,pods=20, limited: limits.cpu=10,pods=20`
	got, ok = ExplainQuota(two)
	if !ok || !strings.Contains(got, "limits.cpu: 10 of 10 in use, 500m more asked for; pods: 20 of 20 in use, 1 more asked for") {
		t.Fatalf("two resources: %v %q", ok, got)
	}
	if _, ok := ExplainQuota(`pods "x" is forbidden: violates PodSecurity "baseline:v1.37"`); ok {
		t.Fatal("explained a refusal that is not a quota's")
	}
}

func TestReplicaFailureNamesTheQuota(t *testing.T) {
	d := &appsv1.Deployment{Status: appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{
		{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Message: "progressing"},
		{Type: appsv1.DeploymentReplicaFailure, Status: corev1.ConditionTrue, Reason: "FailedCreate", Message: refused},
	}}}
	if got := replicaFailure(d); !strings.Contains(got, "its pods cannot be created: the namespace's ResourceQuota k8squest-level is full") {
		t.Fatalf("got %q", got)
	}
	psa := `pods "web-7d4b9c-x2x" is forbidden: violates PodSecurity "baseline:v1.37": privileged (container "web" must not set securityContext.privileged=true)`
	d.Status.Conditions[1].Message = psa
	if got := replicaFailure(d); got != "; its pods cannot be created: "+psa {
		t.Fatalf("a Pod Security refusal: %q", got)
	}
	d.Status.Conditions[1].Status = corev1.ConditionFalse
	if got := replicaFailure(d); got != "" {
		t.Fatalf("a cleared failure still shows: %q", got)
	}
}
