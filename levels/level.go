// Package levels loads level specs from the content tree and validates them
// into typed values: markdown, manifests, checks and drills, ready to play in
// any namespace.
package levels

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/kube"
)

// Level is one validated level.
type Level struct {
	ID int
	// World is the world number; Worlds names them.
	World int
	Title string
	// Concept names what the level teaches, in a few words.
	Concept    string
	Difficulty string
	// XP is the full reward.
	XP int
	// Namespace is the default namespace; players and classrooms may override it.
	Namespace string
	// ExtraNamespaces maps a role to a suffix appended to the level namespace,
	// for levels that span namespaces ("backend" → "-backend").
	ExtraNamespaces map[string]string
	// Dir is the level's folder inside the content tree.
	Dir string

	Briefing string
	Debrief  string
	Hints    []Hint
	Solution Solution
	Checks   []CheckSpec
	Drill    *DrillSpec
	// PlayerAccess are the cluster-wide rules the level grants the player.
	PlayerAccess []rbacv1.PolicyRule
	// Protections confine the player beyond RBAC (see kube.Protect).
	Protections kube.Protections
	// Spoilers are strings that give the fix away, with ${NAMESPACE}
	// replaced; the play screen shows none before its hint is opened.
	Spoilers []string
	// NodePort is what ${NODE_PORT} stands for in the level's texts,
	// manifests and check parameters: services.defaultNodePort, until
	// BindNodePorts gives the player their own. 0 when the level has none.
	NodePort int32

	broken   []manifestDoc
	solution []manifestDoc
	// home is the namespace level.yaml names.
	home string
	// defaultNodePort is services.defaultNodePort.
	defaultNodePort int32
	// raw are the texts as written, before any variable is expanded.
	raw *rawTexts
	// nsBound is set once WithNamespace expanded ${NAMESPACE}.
	nsBound bool
}

// Hint is one tier of help.
type Hint struct {
	// Text is markdown.
	Text string
	// Cost is the XP the hint costs when opened.
	Cost int
	// Reveals lists the ids of the checks whose diagnosis this hint shows.
	Reveals []string
}

// Solution is the level's worked fix.
type Solution struct {
	// Text is markdown.
	Text string
	// Cost is the XP the solution costs when opened.
	Cost int
}

// CheckSpec is one check as the level names it.
type CheckSpec struct {
	ID    string
	Title string
	Type  string
	Check check.Check
	// params are the check's parameters as written, for a rebuild when
	// they use ${NODE_PORT}.
	params []byte
}

// DrillSpec is the level's drill.
type DrillSpec struct {
	Title string
	Type  string
	Drill drill.Drill
}
