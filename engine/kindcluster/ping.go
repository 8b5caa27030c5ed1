package kindcluster

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
)

// PingTimeout bounds one check that the API server answers.
const PingTimeout = 5 * time.Second

// pinger checks that the API server behind cfg answers.
type pinger func(ctx context.Context, cfg *rest.Config) error

// pingAPI asks the API server for its version within PingTimeout.
func pingAPI(ctx context.Context, cfg *rest.Config) error {
	c := rest.CopyConfig(cfg)
	c.Timeout = PingTimeout
	dc, err := discovery.NewDiscoveryClientForConfig(c)
	if err != nil {
		return fmt.Errorf("API client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	if err := dc.RESTClient().Get().AbsPath("/version").Do(ctx).Error(); err != nil {
		return fmt.Errorf("API server not answering: %w", err)
	}
	return nil
}
