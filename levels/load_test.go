package levels_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/k8squest/k8squest/levels"
)

const goodSpec = `id: 99
world: 3
title: Test level
concept: testing
difficulty: beginner
xp: 100
hints: [{file: h.md, cost: 10, reveals: [headless]}]
solution: {file: s.md, cost: 50}
spoilers: ["clusterIP: None", "${NAMESPACE}-x"]
checks:
  - {id: headless, title: web hands out no shared address, type: serviceHeadless, params: {service: web}}
`

const goodManifest = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: None}\n"

func levelFS(spec, manifest string) fstest.MapFS {
	return fstest.MapFS{
		"w/l/level.yaml":  {Data: []byte(spec)},
		"w/l/briefing.md": {Data: []byte("# Brief")},
		"w/l/debrief.md":  {Data: []byte("# Debrief")},
		"w/l/h.md":        {Data: []byte("hint")},
		"w/l/s.md":        {Data: []byte("solution")},
		"w/l/broken.yaml": {Data: []byte(manifest)},
	}
}

func TestLoadGood(t *testing.T) {
	l, err := levels.Load(levelFS(goodSpec, goodManifest), "w/l")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := l.Spec("team-a")
	if err != nil || len(spec.Objects) != 1 || spec.Objects[0].GetNamespace() != "team-a" {
		t.Fatalf("spec %+v, err %v", spec, err)
	}
	if got := l.WithNamespace("team-a"); got.RevealedBy("headless") != 0 || got.Spoilers[1] != "team-a-x" || got.Hints[0].Reveals[0] != "headless" {
		t.Fatalf("in team-a: revealed by hint %d, spoilers %q, reveals %q", got.RevealedBy("headless"), got.Spoilers, got.Hints[0].Reveals)
	}
	if l.RevealedBy("nope") != -1 {
		t.Fatal("an unknown check is revealed by a hint")
	}
	if _, err := l.Spec("Bad_NS"); err == nil || !strings.Contains(err.Error(), "--namespace") {
		t.Fatalf("bad namespace error %v does not name the flag", err)
	}
}

func TestLoadErrorsNameFileAndField(t *testing.T) {
	for _, tc := range []struct {
		name, spec, manifest, want string
	}{
		{"unknown field", goodSpec + "colour: red\n", goodManifest, `w/l/level.yaml: invalid level spec: error unmarshaling JSON: while decoding JSON: json: unknown field "colour"`},
		{"no title", strings.Replace(goodSpec, "title: Test level", "title: ''", 1), goodManifest, "w/l/level.yaml: title: is required"},
		{"bad difficulty", strings.Replace(goodSpec, "beginner", "easy", 1), goodManifest, `w/l/level.yaml: difficulty: must be beginner, intermediate or advanced, got "easy"`},
		{"hint too dear", strings.Replace(goodSpec, "cost: 10", "cost: 500", 1), goodManifest, "w/l/level.yaml: hints[0].cost: must be between 0 and the level's xp (100), got 500"},
		{"missing hint file", strings.Replace(goodSpec, "h.md", "nope.md", 1), goodManifest, "w/l/level.yaml: hints[0].file: read nope.md"},
		{"unknown check", strings.Replace(goodSpec, "serviceHeadless", "serviceHeadles", 1), goodManifest, `w/l/level.yaml: checks[0]: type serviceHeadles: unknown check type "serviceHeadles"`},
		{"bad params", strings.Replace(goodSpec, "{service: web}", "{svc: web}", 1), goodManifest, `w/l/level.yaml: checks[0]: type serviceHeadless: params:`},
		{"no spoilers", strings.Replace(goodSpec, `spoilers: ["clusterIP: None", "${NAMESPACE}-x"]`+"\n", "", 1), goodManifest, "w/l/level.yaml: spoilers: at least one is required"},
		{"empty spoiler", strings.Replace(goodSpec, `"${NAMESPACE}-x"`, `" "`, 1), goodManifest, "w/l/level.yaml: spoilers[1]: is empty"},
		{"spoiler twice", strings.Replace(goodSpec, `"${NAMESPACE}-x"`, `"ClusterIP: none"`, 1), goodManifest, `w/l/level.yaml: spoilers[1]: "ClusterIP: none" is listed twice`},
		{"title names the fix", strings.Replace(goodSpec, "title: web hands out no shared address", "title: 'web has clusterIP: None'", 1), goodManifest, `w/l/level.yaml: checks[0].title: "web has clusterIP: None" gives the fix away (spoiler "clusterIP: None")`},
		{"reveals an unknown check", strings.Replace(goodSpec, "reveals: [headless]", "reveals: [headles]", 1), goodManifest, `w/l/level.yaml: hints[0].reveals[0]: no check has id "headles"`},
		{"reveals twice", strings.Replace(goodSpec, "reveals: [headless]", "reveals: [headless, headless]", 1), goodManifest, `w/l/level.yaml: hints[0].reveals[1]: check "headless" is already revealed by hints[0]`},
		{"revealed by no hint", strings.Replace(goodSpec, "reveals: [headless]", "reveals: []", 1), goodManifest, `w/l/level.yaml: checks[0]: no hint reveals the diagnosis of check "headless"`},
		{"bad manifest", goodSpec, "apiVersion: v1\nkind: Service\n", "w/l/broken.yaml: document 1: Service: field metadata.name is missing"},
		{"foreign namespace", goodSpec, "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: kube-system}\n", "w/l/broken.yaml: metadata.namespace: Service/web in namespace kube-system: namespace \"kube-system\" is not one of the level's namespaces"},
		{"namespace object", goodSpec, "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", "w/l/broken.yaml: kind: Namespace x: levels declare namespaces in level.yaml"},
		{"path escape", strings.Replace(goodSpec, "s.md", "../../etc/passwd", 1), goodManifest, `w/l/level.yaml: solution.file: must name a file inside the level folder`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := levels.Load(levelFS(tc.spec, tc.manifest), "w/l")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error:\n  %v\nwant it to contain:\n  %s", err, tc.want)
			}
		})
	}
}
