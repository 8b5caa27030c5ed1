package main

import (
	"strings"
	"testing"
)

func TestDoctorConfirm(t *testing.T) {
	for in, want := range map[string]bool{"y\n": true, "YES\n": true, "\n": false, "no\n": false, "": false} {
		var errb strings.Builder
		g := &globals{stdin: strings.NewReader(in), stderr: &errb}
		if got := g.confirmDrill("web-2", "shop"); got != want || !strings.Contains(errb.String(), "Delete pod web-2 in shop? [y/N]") {
			t.Errorf("answer %q: %v, prompt %q", in, got, errb.String())
		}
	}
}

func TestDoctorBadFormat(t *testing.T) {
	_, errOut, code := doctorRun(t, "", "statefulset", "web", "--format", "yaml")
	if code != 1 || !strings.Contains(errOut, `--format "yaml"`) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
