package sim

import (
	"os"
	"strings"
	"testing"
)

func TestStaleConfig(t *testing.T) {
	l := layout{t.TempDir()}
	st := &State{Ports: Ports{DNS: 10053}}
	if got := staleConfig(l, st); !strings.Contains(got, "could not be read") {
		t.Errorf("no Corefile: %q, want that it could not be read", got)
	}
	if err := os.WriteFile(l.corefile(), []byte(corefile(10053, l.kubeconfig())), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := staleConfig(l, st); got != "" {
		t.Errorf("this version's Corefile: %q, want nothing", got)
	}
	// The Corefile of stop 15's sims: a plain cache that kept cluster.local
	// answers for their TTL.
	old := strings.Replace(corefile(10053, l.kubeconfig()), "cache 30 {\n        disable success cluster.local\n        disable denial cluster.local\n    }", "cache 30", 1)
	if old == corefile(10053, l.kubeconfig()) {
		t.Fatal("the test's old Corefile is the current one")
	}
	if err := os.WriteFile(l.corefile(), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	got := staleConfig(l, st)
	for _, want := range []string{"older k8squest", l.corefile(), "cluster down --provider sim"} {
		if !strings.Contains(got, want) {
			t.Errorf("an older Corefile: %q, want it to name %q", got, want)
		}
	}
}
