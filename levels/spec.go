package levels

import (
	"encoding/json"

	rbacv1 "k8s.io/api/rbac/v1"
)

// fileSpec is level.yaml as written by a level's author.
type fileSpec struct {
	ID         int    `json:"id"`
	World      int    `json:"world"`
	Title      string `json:"title"`
	Concept    string `json:"concept"`
	Difficulty string `json:"difficulty"`
	XP         int    `json:"xp"`
	// Namespace is the default namespace; "k8squest" when empty.
	Namespace string `json:"namespace"`
	// ExtraNamespaces maps a role to a suffix of the level namespace.
	ExtraNamespaces map[string]string `json:"extraNamespaces"`
	Briefing        string            `json:"briefing"`
	Debrief         string            `json:"debrief"`
	Manifests       []string          `json:"manifests"`
	Hints           []hintSpec        `json:"hints"`
	Solution        solutionSpec      `json:"solution"`
	Checks          []checkSpec       `json:"checks"`
	Drill           *drillSpec        `json:"drill"`
	// PlayerAccess lists cluster-wide RBAC rules the player needs beyond the
	// read-only view every player has; the game grants exactly these.
	PlayerAccess []rbacv1.PolicyRule `json:"playerAccess"`
	isolationSpec
	// Spoilers are strings that give the fix away; no check title may hold
	// one, and the play screen shows none before the hint that reveals it.
	Spoilers []string `json:"spoilers"`
}

type hintSpec struct {
	File string `json:"file"`
	Cost int    `json:"cost"`
	// Reveals lists the ids of the checks whose diagnosis opening this hint
	// shows on the checklist.
	Reveals []string `json:"reveals"`
}

type solutionSpec struct {
	File string `json:"file"`
	Cost int    `json:"cost"`
	// Manifests fix the level when applied after deleting what cannot be
	// changed in place; tests use them.
	Manifests []string `json:"manifests"`
}

type checkSpec struct {
	ID     string          `json:"id"`
	Title  string          `json:"title"`
	Type   string          `json:"type"`
	Params json.RawMessage `json:"params"`
}

type drillSpec struct {
	Title  string          `json:"title"`
	Type   string          `json:"type"`
	Params json.RawMessage `json:"params"`
}

// Defaults for a level's files and namespace.
const (
	DefaultNamespace = "k8squest"
	defaultBriefing  = "briefing.md"
	defaultDebrief   = "debrief.md"
	defaultManifest  = "broken.yaml"
	// NamespaceVar is replaced in manifests by the level's namespace.
	NamespaceVar = "${NAMESPACE}"
	// NodePortVar is replaced in a level's texts, manifests and check
	// parameters by the node port the game gave the player (Level.NodePort).
	NodePortVar = "${NODE_PORT}"
)

// Worlds names the worlds by number.
var Worlds = map[int]string{3: "Networking & Services"}
