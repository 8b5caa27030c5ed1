package game

import (
	"context"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
)

// Only an advertised kind cluster is checked; its check reads the CA from
// the cluster's configuration and reports a step, failed with the reason.
func TestCheckAdvertised(t *testing.T) {
	ctx := context.Background()
	a := kindcluster.Advertise{Host: "class.localhost"}
	for _, c := range []*cluster.Cluster{{Provider: "sim", REST: &rest.Config{}}, {Provider: "current", REST: &rest.Config{}}} {
		if err := checkAdvertised(ctx, c, a, nil); err != nil {
			t.Errorf("%s cluster: %v, want no check", c.Provider, err)
		}
	}
	kind := &cluster.Cluster{Provider: "kind", REST: &rest.Config{}}
	if err := checkAdvertised(ctx, kind, kindcluster.Advertise{}, nil); err != nil {
		t.Errorf("a kind cluster not advertised: %v", err)
	}
	var failed cluster.Event
	err := checkAdvertised(ctx, kind, a, func(e cluster.Event) {
		if e.State == cluster.StepFailed {
			failed = e
		}
	})
	if err == nil || !strings.Contains(err.Error(), "no CA certificate") || failed.Step != "check the advertised address https://class.localhost:6443" {
		t.Errorf("an advertised kind cluster without CA data: %v, step %+v", err, failed)
	}
	kind.REST.CAFile = "/nonexistent/ca.crt"
	if err := checkAdvertised(ctx, kind, a, nil); err == nil || !strings.Contains(err.Error(), "read the cluster's CA") {
		t.Errorf("an unreadable CA file: %v", err)
	}
}
