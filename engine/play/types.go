// Package play runs one level on one cluster: it sets the broken state up,
// watches the level's namespaces, re-runs the checks on every change, runs the
// level's drill and tears everything down again.
package play

import (
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/kube"
)

// Spec is a level bound to a namespace, ready to play. The levels package
// builds it from the level's data.
type Spec struct {
	// Level is the level number, for messages.
	Level int
	// Namespace is the level's main namespace.
	Namespace string
	// Namespaces maps each role the level uses ("" for the main one) to a
	// namespace name. Setup creates each one that is missing and empties the
	// others in place; Teardown deletes them.
	Namespaces map[string]string
	// Objects are the broken state, namespaces already filled in.
	Objects []*unstructured.Unstructured
	// Checks run in order.
	Checks []Item
	// Drill runs once every check passes; nil when the level has none.
	Drill *DrillItem
	// PlayerRules are cluster-wide rules the player needs beyond the
	// read-only view every player gets; most levels need none.
	PlayerRules []rbacv1.PolicyRule
	// Protections confine the player beyond RBAC: Pod Security, the
	// Service types allowed, the quota.
	Protections kube.Protections
}

// Item is one check of a level.
type Item struct {
	ID    string
	Title string
	Check check.Check
}

// DrillItem is a level's drill.
type DrillItem struct {
	Title string
	Drill drill.Drill
}

// Verdict is the outcome of running every check once.
type Verdict struct {
	Results []check.Result
	// Passed is true when every check passed.
	Passed bool
	// At is when the checks ran.
	At time.Time
	// Err is set when the cluster could not be read at all (API down); Results
	// then hold the last known results.
	Err error
}

// Failing returns the first result that did not pass, or nil.
func (v Verdict) Failing() *check.Result {
	for i := range v.Results {
		if !v.Results[i].Passed() {
			return &v.Results[i]
		}
	}
	return nil
}
