package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// object is one decoded Kubernetes object and where it came from.
type object struct {
	loc Location
	obj runtime.Object
}

// at returns the object's location with a field path.
func (o *object) at(field string) Location {
	l := o.loc
	l.Field = field
	return l
}

// objectSet is every object decoded from the input.
type objectSet struct {
	objects []*object
}

// strict decodes JSON into the typed objects client-go knows, reporting
// fields the type does not have.
var strict = kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, kjson.SerializerOptions{Strict: true})

// parseAll decodes every source into objects, and reports what could not be.
// Input with no document at all is an error; one empty file among others is
// a warning.
func parseAll(sources []Source, ns string) (*objectSet, []Finding) {
	set := &objectSet{}
	var fs []Finding
	total := 0
	for _, s := range sources {
		docs := splitDocuments(s.Data)
		total += len(docs)
		if len(docs) == 0 && len(sources) > 1 {
			f := finding(RuleEmpty, Location{File: s.Name}, "%s holds no Kubernetes object (it is empty or only comments)", s.Name)
			f.Severity = Warning
			fs = append(fs, f)
		}
		for _, d := range docs {
			fs = append(fs, parseDocument(set, s.Name, d, ns)...)
		}
	}
	if total == 0 {
		fs = append(fs, finding(RuleEmpty, Location{File: inputName(sources)}, "no Kubernetes objects to lint: %s", emptyReason(sources)))
	}
	return set, append(fs, duplicates(set)...)
}

// parseDocument turns one document into objects (several for a List).
func parseDocument(set *objectSet, file string, d document, ns string) []Finding {
	loc := Location{File: file, Document: d.index}
	js, err := yaml.YAMLToJSON(d.raw)
	if err != nil {
		return []Finding{finding(RuleMalformed, loc, "%s document %d is not valid YAML: %s", file, d.index, yamlError(err, d.line))}
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil || m == nil {
		return []Finding{finding(RuleMalformed, loc, "%s document %d (line %d) is not a mapping with apiVersion, kind and metadata", file, d.index, d.line)}
	}
	if m["kind"] == "List" {
		return parseList(set, loc, m, ns)
	}
	return decodeObject(set, loc, js, m, ns)
}

// parseList decodes each item of a v1 List, as kubectl get -o yaml prints it.
func parseList(set *objectSet, loc Location, m map[string]any, ns string) []Finding {
	items, _ := m["items"].([]any)
	var fs []Finding
	for i, it := range items {
		im, ok := it.(map[string]any)
		l := loc
		l.Field = fmt.Sprintf("items[%d]", i)
		js, err := json.Marshal(it)
		if !ok || err != nil {
			fs = append(fs, finding(RuleMalformed, l, "%s document %d: items[%d] is not an object", loc.File, loc.Document, i))
			continue
		}
		fs = append(fs, decodeObject(set, l, js, im, ns)...)
	}
	return fs
}

// decodeObject checks the identifying fields and decodes the typed object.
func decodeObject(set *objectSet, loc Location, js []byte, m map[string]any, ns string) []Finding {
	id, f := identify(loc, m, ns)
	if f != nil {
		return []Finding{*f}
	}
	obj, _, err := strict.Decode(js, nil, nil)
	switch {
	case runtime.IsNotRegisteredError(err):
		return []Finding{finding(RuleUnknownKind, id, "%s document %d: kind %s (apiVersion %s) is not a kind this linter knows%s; it is not checked",
			loc.File, loc.Document, id.Kind, m["apiVersion"], didYouMean(id.Kind))}
	case runtime.IsStrictDecodingError(err):
		set.objects = append(set.objects, &object{loc: id, obj: obj})
		return unknownFields(id, err)
	case err != nil:
		return []Finding{finding(RuleMalformed, id, "%s document %d does not decode as a %s: %v", loc.File, loc.Document, id.Kind, err)}
	}
	set.objects = append(set.objects, &object{loc: id, obj: obj})
	return nil
}

// identify reads apiVersion, kind, name and namespace, or reports which is missing.
func identify(loc Location, m map[string]any, ns string) (Location, *Finding) {
	meta, _ := m["metadata"].(map[string]any)
	api, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	name, _ := meta["name"].(string)
	if n, _ := meta["namespace"].(string); n != "" {
		ns = n
	}
	loc.Kind, loc.Name, loc.Namespace = kind, name, ns
	for _, c := range []struct{ field, val string }{{"apiVersion", api}, {"kind", kind}, {"metadata.name", name}} {
		if c.val == "" {
			l := loc
			l.Field = c.field
			f := finding(RuleMalformed, l, "%s document %d has no %s", loc.File, loc.Document, c.field)
			return loc, &f
		}
	}
	return loc, nil
}

// unknownFields reports each field a strict decode found the type lacks.
func unknownFields(loc Location, err error) []Finding {
	var se interface{ Errors() []error }
	if !errors.As(err, &se) {
		return []Finding{finding(RuleUnknownField, loc, "%s document %d: %v", loc.File, loc.Document, err)}
	}
	var fs []Finding
	for _, e := range se.Errors() {
		fs = append(fs, finding(RuleUnknownField, loc, "%s document %d: %s %s: %v; Kubernetes would drop it", loc.File, loc.Document, loc.Kind, loc.Name, e))
	}
	return fs
}

// didYouMean suggests a known kind that differs only in case.
func didYouMean(kind string) string {
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Kind != kind && equalFold(gvk.Kind, kind) {
			return fmt.Sprintf(" (did you mean %s?)", gvk.Kind)
		}
	}
	return ""
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlError rewrites a YAML error's document-relative line into a file line.
func yamlError(err error, start int) string {
	msg := err.Error()
	return yamlLineRE.ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(s[len("line "):])
		return fmt.Sprintf("line %d", start+n-1)
	})
}

// inputName names the whole input in a finding: the file when there is one.
func inputName(sources []Source) string {
	if len(sources) == 1 {
		return sources[0].Name
	}
	return fmt.Sprintf("%d files", len(sources))
}

func emptyReason(sources []Source) string {
	switch {
	case len(sources) == 0:
		return "no input was given"
	case len(sources) == 1 && len(sources[0].Data) == 0:
		return sources[0].Name + " is empty"
	case len(sources) == 1:
		return sources[0].Name + " holds only comments and blank lines"
	default:
		return "every file is empty or holds only comments"
	}
}

// duplicates reports an object whose kind, namespace and name an earlier one has.
func duplicates(set *objectSet) []Finding {
	seen := map[string]Location{}
	var fs []Finding
	for _, o := range set.objects {
		k := o.loc.Kind + "/" + o.loc.Namespace + "/" + o.loc.Name
		if first, ok := seen[k]; ok {
			fs = append(fs, finding(RuleDuplicateObject, o.loc, "%s %s in namespace %s is defined again here; it was first defined in %s document %d",
				o.loc.Kind, o.loc.Name, o.loc.Namespace, first.File, first.Document))
			continue
		}
		seen[k] = o.loc
	}
	return fs
}
