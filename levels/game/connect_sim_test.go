package game

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/simtest"
)

// connectCurrent connects the game, through the current provider, to the sim
// cluster, whose kube-system has no DNS pod (its CoreDNS runs on the host),
// as on a cluster whose DNS is not CoreDNS in a pod.
func connectCurrent(t *testing.T, dnsServer string) (*Game, []cluster.Event) {
	t.Helper()
	c := simtest.Cluster(t)
	x, err := New(Options{Provider: "current", Kubeconfig: c.Kubeconfig, DNSServer: dnsServer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	var events []cluster.Event
	if _, err := x.Connect(context.Background(), func(e cluster.Event) { events = append(events, e) }); err != nil {
		t.Fatalf("Connect without a cluster DNS pod: %v", err)
	}
	return x, events
}

// The game starts on a cluster without a DNS pod; the DNS checks' resolver
// says what is missing and what to do.
func TestConnectWithoutDNSPodOnSim(t *testing.T) {
	x, events := connectCurrent(t, "")
	_, err := x.resolver.Query(context.Background(), "kubernetes.default.svc.cluster.local", dns.A)
	u, ok := dns.IsUnavailable(err)
	if !ok {
		t.Fatalf("Query: %v, want an *UnavailableError", err)
	}
	for _, want := range []string{"no pod labelled k8s-app=kube-dns", "in kube-system", "--dns-server HOST:PORT"} {
		if !strings.Contains(u.Error(), want) {
			t.Errorf("reason %q lacks %q", u.Error(), want)
		}
	}
	said, done := false, false
	for _, e := range events {
		if e.Step != DNSWaitStep {
			continue
		}
		said = said || (e.State == cluster.StepInfo && strings.Contains(e.Detail, "no pod labelled k8s-app=kube-dns") && strings.Contains(e.Detail, "starting anyway"))
		done = done || e.State == cluster.StepDone
	}
	if !said || !done {
		t.Fatalf("events %+v, want the %q step to say why and finish", events, DNSWaitStep)
	}
}

// With --dns-server the game asks that server.
func TestConnectWithDNSServerOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	x, _ := connectCurrent(t, c.DNSAddr)
	a, err := x.resolver.Query(context.Background(), "kubernetes.default.svc."+c.Domain, dns.A)
	if err != nil || len(a.Records) != 1 {
		t.Fatalf("Query through --dns-server %s: %+v, %v", c.DNSAddr, a, err)
	}
}

// Cancelled while it waits for DNS, connect says it was cancelled.
func TestConnectCancelledDuringDNSWaitOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	x, err := New(Options{Provider: "current", Kubeconfig: c.Kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	ctx, cancel := context.WithCancel(context.Background())
	rep := func(e cluster.Event) {
		if e.Step == DNSWaitStep && e.State == cluster.StepStarted {
			cancel()
		}
	}
	_, err = x.Connect(ctx, rep)
	if !errors.Is(err, context.Canceled) || x.cluster != nil {
		t.Fatalf("Connect = %v (cluster %v), want it cancelled and not connected", err, x.cluster)
	}
}
