package sim

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/k8squest/k8squest/engine/cluster"
)

func mustQuantity(s string) resource.Quantity { return resource.MustParse(s) }

// Status implements cluster.Provider.
func (p *Provider) Status(ctx context.Context) (cluster.Status, error) {
	st, err := loadState(p.layout())
	if err != nil {
		return cluster.Status{}, err
	}
	if st == nil {
		return cluster.Status{Lines: append([]string{"no sim cluster is running"}, p.versionLines()...)}, nil
	}
	_, cerr := p.connectState(ctx, st)
	s := cluster.Status{Running: cerr == nil}
	if cerr != nil {
		s.Lines = append(s.Lines, fmt.Sprintf("not running: %v", cerr))
	} else {
		s.Lines = append(s.Lines, "running since "+st.Started.Format(time.DateTime)+", ready after "+st.ReadyAfter)
		if stale := staleConfig(p.layout(), st); stale != "" {
			s.Lines = append(s.Lines, stale)
		}
	}
	s.Lines = append(s.Lines, procLines(st.Procs)...)
	s.Lines = append(s.Lines,
		fmt.Sprintf("api server: https://127.0.0.1:%d", st.Ports.API),
		fmt.Sprintf("ports: api %d, etcd %d (peer %d), controller-manager %d, scheduler %d, kwok %d, dns %d",
			st.Ports.API, st.Ports.Etcd, st.Ports.EtcdPeer, st.Ports.Controller, st.Ports.Scheduler, st.Ports.Kwok, st.Ports.DNS),
		"kubeconfig: "+st.Kubeconfig,
		"cluster DNS: "+loopback(st.Ports.DNS)+" (domain cluster.local)",
		"state: "+p.layout().dir,
	)
	s.Lines = append(s.Lines, p.versionLines()...)
	return s, nil
}

// procLines describes each process with its pid and RSS, and the total.
func procLines(procs []Proc) []string {
	var lines []string
	total := 0
	for _, pr := range procs {
		if !procAlive(pr) {
			lines = append(lines, fmt.Sprintf("  %-24s pid %-7d not running", pr.Name, pr.PID))
			continue
		}
		kb, _ := procRSS(pr.PID)
		total += kb
		lines = append(lines, fmt.Sprintf("  %-24s pid %-7d RSS %4d MB", pr.Name, pr.PID, kb/1024))
	}
	return append(lines, fmt.Sprintf("  %-24s             RSS %4d MB", "total", total/1024))
}

func (p *Provider) versionLines() []string {
	var lines []string
	for _, v := range Versions() {
		lines = append(lines, fmt.Sprintf("%s %s", v[0], v[1]))
	}
	return append(lines, "binaries: "+p.binDir())
}

// TotalRSS returns the summed resident memory, in KiB, of the running
// cluster's processes; it is 0 when nothing runs.
func (p *Provider) TotalRSS() int {
	st, err := loadState(p.layout())
	if err != nil || st == nil {
		return 0
	}
	total := 0
	for _, pr := range st.Procs {
		if procAlive(pr) {
			kb, _ := procRSS(pr.PID)
			total += kb
		}
	}
	return total
}
