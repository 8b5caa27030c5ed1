package drill

import (
	"strings"
	"testing"
)

func TestBuildReschedule(t *testing.T) {
	if _, err := Build("statefulSetReschedule", []byte(`{statefulSet: web, service: web-cluster, ordinal: 2}`)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ typ, params, says string }{
		{"statefulSetReschedule", `{service: web-cluster}`, "statefulSet is required"},
		{"statefulSetReschedule", `{statefulSet: web}`, "service is required"},
		{"statefulSetReschedule", `{statefulSet: web, service: s, ordinal: -1}`, "ordinal must not be negative"},
		{"statefulSetReschedule", `{statefulSet: web, service: s, pod: web-0}`, `unknown field "pod"`},
		{"podReschedule", `{}`, `unknown drill type "podReschedule" (known: statefulSetReschedule)`},
	} {
		if _, err := Build(tc.typ, []byte(tc.params)); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s %s: error %v, want %q", tc.typ, tc.params, err, tc.says)
		}
	}
}
