package lint

import (
	"strings"
	"testing"
)

func TestInputProblems(t *testing.T) {
	cases := []struct {
		name  string
		files []string
		want  []brief
		says  []string
	}{
		{"malformed YAML names file, document and file line",
			[]string{"bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n# second\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   bad: indent\n"},
			[]brief{{RuleMalformed, "error", "bad.yaml", 2, ""}},
			[]string{"bad.yaml document 2 is not valid YAML", "line 10"}},
		{"not a mapping", []string{"list.yaml", "- a\n- b\n"},
			[]brief{{RuleMalformed, "error", "list.yaml", 1, ""}}, []string{"list.yaml document 1 (line 1) is not a mapping"}},
		{"missing kind", []string{"k.yaml", "apiVersion: v1\nmetadata: {name: x}\n"},
			[]brief{{RuleMalformed, "error", "k.yaml", 1, "kind"}}, []string{"k.yaml document 1 has no kind"}},
		{"missing name", []string{"n.yaml", "apiVersion: v1\nkind: Service\nmetadata: {}\n"},
			[]brief{{RuleMalformed, "error", "n.yaml", 1, "metadata.name"}}, []string{"n.yaml document 1 has no metadata.name"}},
		{"wrong field type", []string{"t.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {replicas: three}\n"},
			[]brief{{RuleMalformed, "error", "t.yaml", 1, ""}}, []string{"t.yaml document 1 does not decode as a StatefulSet"}},
		{"unknown kind", []string{"crd.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"},
			[]brief{{RuleUnknownKind, "warning", "crd.yaml", 1, ""}}, []string{"crd.yaml document 1: kind Widget (apiVersion example.com/v1) is not a kind this linter knows"}},
		{"kind in the wrong case", []string{"case.yaml", "apiVersion: apps/v1\nkind: Statefulset\nmetadata: {name: w}\n"},
			[]brief{{RuleUnknownKind, "warning", "case.yaml", 1, ""}}, []string{"did you mean StatefulSet?"}},
		{"unknown field", []string{"f.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIp: None}\n"},
			[]brief{{RuleUnknownField, "warning", "f.yaml", 1, ""}}, []string{`unknown field "spec.clusterIp"`}},
		{"empty file", []string{"empty.yaml", ""},
			[]brief{{RuleEmpty, "error", "empty.yaml", 0, ""}}, []string{"no Kubernetes objects to lint: empty.yaml is empty"}},
		{"only comments", []string{"c.yaml", "# nothing\n---\n# here\n"},
			[]brief{{RuleEmpty, "error", "c.yaml", 0, ""}}, []string{"c.yaml holds only comments"}},
		{"empty stdin", []string{StdinName, ""},
			[]brief{{RuleEmpty, "error", StdinName, 0, ""}}, []string{"<stdin> is empty"}},
		{"one empty file among others", []string{"a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "b.yaml", "\n"},
			[]brief{{RuleEmpty, "warning", "b.yaml", 0, ""}}, []string{"b.yaml holds no Kubernetes object"}},
		{"duplicate", []string{"a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"},
			[]brief{{RuleDuplicateObject, "warning", "b.yaml", 1, ""}}, []string{"first defined in a.yaml document 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := lintFiles(t, tc.files...)
			if got := briefs(r); !equalBriefs(got, tc.want) {
				t.Fatalf("got %+v, want %+v (%+v)", got, tc.want, r.Findings)
			}
			for _, s := range tc.says {
				if !strings.Contains(r.Findings[0].Message, s) {
					t.Errorf("message %q does not say %q", r.Findings[0].Message, s)
				}
			}
		})
	}
}

func TestListAndJSONInput(t *testing.T) {
	list := `{"apiVersion": "v1", "kind": "List", "items": [
	  {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": {"clusterIP": "10.96.0.7", "selector": {"app": "db"}}},
	  {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
	   "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
	            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "db"}]}}}}]}`
	r := lintFiles(t, "list.json", list)
	got := briefs(r)
	want := []brief{{RuleNotHeadless, "error", "list.json", 1, "spec.clusterIP"}, {RuleFixedClusterIP, "warning", "list.json", 1, "spec.clusterIP"}}
	if r.Objects != 2 || !equalBriefs(got, want) {
		t.Fatalf("objects %d, got %+v, want %+v", r.Objects, got, want)
	}
}

func TestSplitDocuments(t *testing.T) {
	in := "# head\n---\na: 1\n--- # two\nb: 2\n---\n\n---\nc: |\n  ---x\n"
	docs := splitDocuments([]byte(in))
	if len(docs) != 3 {
		t.Fatalf("got %d documents: %+v", len(docs), docs)
	}
	for i, want := range []int{3, 5, 9} {
		if docs[i].line != want || docs[i].index != i+1 {
			t.Errorf("document %d starts on line %d (index %d), want line %d", i, docs[i].line, docs[i].index, want)
		}
	}
}
