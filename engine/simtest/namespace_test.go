package simtest

import (
	"regexp"
	"testing"
)

func TestUniqueName(t *testing.T) {
	label := regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	for _, in := range []string{"TestFoo", "TestFoo/sub_case#01", "", "Test" + string(make([]byte, 80))} {
		got := uniqueName(in)
		if len(got) > 63 || !label.MatchString(got) {
			t.Errorf("uniqueName(%q) = %q, not a DNS label", in, got)
		}
	}
	if a, b := uniqueName("TestX"), uniqueName("TestX"); a == b {
		t.Error("uniqueName is not unique")
	}
}
