package check

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// exceededQuota matches the API server's refusal of an object a quota has
// no room for: "exceeded quota: NAME, requested: pods=1, used: pods=20,
// limited: pods=20".
var exceededQuota = regexp.MustCompile(`exceeded quota: ([^,\s]+), requested: (\S+), used: (\S+), limited: (\S+)`)

// ExplainQuota rewrites an "exceeded quota" refusal in msg as which quota is
// full, by how much, and how to free it. ok is false when msg is no such
// refusal.
func ExplainQuota(msg string) (explained string, ok bool) {
	m := exceededQuota.FindStringSubmatch(msg)
	if m == nil {
		return "", false
	}
	asked, used, hard := pairs(m[2]), pairs(m[3]), pairs(m[4])
	var full []string
	for _, r := range quotaKeys(hard) {
		full = append(full, fmt.Sprintf("%s: %s of %s in use, %s more asked for", r, used[r], hard[r], asked[r]))
	}
	return fmt.Sprintf("the namespace's ResourceQuota %s is full (%s); delete objects you no longer need "+
		"(kubectl describe resourcequota %s shows what counts) or reset the level", m[1], strings.Join(full, "; "), m[1]), true
}

// pairs parses "a=1,b=2".
func pairs(s string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}

func quotaKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// replicaFailure says why a Deployment's controller cannot create its pods
// (a full quota, explained; a pod Pod Security refuses, in the API server's
// words); "" when it can.
func replicaFailure(d *appsv1.Deployment) string {
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentReplicaFailure && c.Status == corev1.ConditionTrue {
			if s, ok := ExplainQuota(c.Message); ok {
				return "; its pods cannot be created: " + s
			}
			return "; its pods cannot be created: " + c.Message
		}
	}
	return ""
}
