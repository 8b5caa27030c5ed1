package sim

import (
	"os"
	"slices"
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

func TestStaleFlags(t *testing.T) {
	l := layout{t.TempDir()}
	st := &State{Ports: Ports{DNS: 10053, Controller: 10257}, Args: map[string][]string{}}
	if err := os.WriteFile(l.corefile(), []byte(corefile(10053, l.kubeconfig())), 0o644); err != nil {
		t.Fatal(err)
	}
	st.Args[ProcController] = controllerArgs(l, st.Ports)
	if got := staleConfig(l, st); got != "" {
		t.Errorf("this version's flags: %q, want nothing", got)
	}
	// A sim started before the class's client rate: kubeadm's default.
	old := slices.DeleteFunc(slices.Clone(st.Args[ProcController]), func(a string) bool { return strings.HasPrefix(a, "--kube-api-") })
	if len(old) == len(st.Args[ProcController]) {
		t.Fatal("the controller-manager's flags name no client rate")
	}
	st.Args[ProcController] = old
	if got := staleConfig(l, st); !strings.Contains(got, ProcController) || !strings.Contains(got, "cluster down --provider sim") {
		t.Errorf("older flags: %q, want it to name %s and how to restart", got, ProcController)
	}
	// A state from before the arguments were recorded says nothing of them.
	delete(st.Args, ProcController)
	if got := staleConfig(l, st); got != "" {
		t.Errorf("no recorded flags: %q, want nothing", got)
	}
	// Every process's flags count, not only the controller-manager's.
	st.Args[ProcAPIServer] = []string{"--secure-port=6443"}
	st.Args[ProcScheduler] = schedulerArgs(l, st.Ports)
	if got := staleConfig(l, st); !strings.Contains(got, ProcAPIServer) || strings.Contains(got, ProcScheduler) {
		t.Errorf("older API server flags: %q, want it to name %s only", got, ProcAPIServer)
	}
}
