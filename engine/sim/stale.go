package sim

import (
	"fmt"
	"os"
)

// restartAdvice tells how to get this k8squest's configuration into a sim
// that an older one started.
const restartAdvice = "run `k8squest cluster down --provider sim` and `cluster up` again to use this version's"

// staleConfig says which configuration file of a running sim differs from
// what this k8squest writes (a sim outlives upgrades of the game), or ""
// when they agree. Processes read their files only when they start, so a
// changed Corefile (its cache rules decide how soon a fix shows in DNS)
// takes effect only after a restart.
func staleConfig(l layout, st *State) string {
	data, err := os.ReadFile(l.corefile())
	if err != nil {
		return fmt.Sprintf("its CoreDNS configuration could not be read (%v); %s", err, restartAdvice)
	}
	if string(data) != corefile(st.Ports.DNS, l.kubeconfig()) {
		return fmt.Sprintf("its CoreDNS configuration (%s) was written by an older k8squest; %s", l.corefile(), restartAdvice)
	}
	return ""
}
