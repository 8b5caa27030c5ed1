package game

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/k8squest/k8squest/engine/cluster"
)

// ErrNotConnected says the game has no cluster: before Connect, after
// Close, or while another caller's Connect starts afresh.
var ErrNotConnected = errors.New("not connected to a cluster")

// ChooseStep is the step that says which provider the game took when the
// player did not name one.
const ChooseStep = "choose a cluster"

// Connect finds or starts the cluster, reporting long steps on rep, and
// returns a one-line description of it ("sim cluster k8squest-sim").
// Called again (the player asks for it when the API server stopped
// answering), it forgets the cluster it had and looks afresh, so a deleted
// cluster is created again.
func (x *Game) Connect(ctx context.Context, rep cluster.Reporter) (string, error) {
	return x.reconnect(ctx, rep, x.opts.Recreate)
}

// Recreate is Connect as if Options.Recreate were set, so a kind cluster
// that stays unhealthy is deleted and created again. The player chose it
// on the boot screen; later connects ask again.
func (x *Game) Recreate(ctx context.Context, rep cluster.Reporter) (string, error) {
	return x.reconnect(ctx, rep, true)
}

// Reach connects once: a game already connected stays on its cluster.
// With start, a cluster that does not run is started and the current
// provider's preflight runs, as for a command that sets a level up;
// without, a cluster that does not answer is an error.
func (x *Game) Reach(ctx context.Context, rep cluster.Reporter, start bool) (string, error) {
	return x.connect(ctx, rep, start, x.opts.Recreate)
}

// reconnect drops the connection and connects, starting the cluster.
func (x *Game) reconnect(ctx context.Context, rep cluster.Reporter, recreate bool) (string, error) {
	x.connecting.Lock()
	defer x.connecting.Unlock()
	x.Close()
	return x.connectLocked(ctx, rep, true, recreate)
}

// connect reaches the cluster, starting it when up is true; connected
// already, it returns at once.
func (x *Game) connect(ctx context.Context, rep cluster.Reporter, up, recreate bool) (string, error) {
	x.connecting.Lock()
	defer x.connecting.Unlock()
	return x.connectLocked(ctx, rep, up, recreate)
}

// connectLocked is connect; connecting is held, mu is not.
func (x *Game) connectLocked(ctx context.Context, rep cluster.Reporter, up, recreate bool) (string, error) {
	x.mu.Lock()
	if x.cluster != nil {
		d := x.describeLocked()
		x.mu.Unlock()
		return d, nil
	}
	if x.opts.Adopt != nil {
		d := x.adoptLocked()
		x.mu.Unlock()
		return d, nil
	}
	x.mu.Unlock()
	o := x.opts
	o.Recreate = recreate
	p, reason, err := ProviderFor(o, rep)
	if err != nil {
		return "", err
	}
	chosen := ""
	if reason != "" && x.opts.Provider == "" {
		// The player did not pick a cluster: say which one was taken, and why.
		chosen = reason
		rep.Report(cluster.Event{Step: ChooseStep, State: cluster.StepInfo, Detail: reason})
	}
	c, err := p.Connect(ctx)
	if err != nil && up {
		c, err = p.Up(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("%s cluster: %w", p.Name(), err)
	}
	if err := checkAdvertised(ctx, c, x.opts.Advertise, rep); err != nil {
		return "", err
	}
	if err := x.preflight(ctx, c, rep, up); err != nil {
		return "", err
	}
	// DNS is never fatal: without it the DNS checks say Unknown and why.
	r, err := OpenDNS(ctx, c, x.opts.DNSServer, rep)
	if r == nil {
		return "", fmt.Errorf("reach the cluster DNS: %w", err)
	}
	if ctx.Err() != nil {
		// Cancelled while waiting for DNS: that is not a DNS problem.
		_ = r.Close()
		return "", fmt.Errorf("wait for the cluster DNS: %w", ctx.Err())
	}
	if err != nil {
		log.Printf("cluster DNS not ready at connect: %v", err)
	}
	x.mu.Lock()
	x.provider, x.cluster, x.resolver, x.chosen = p, c, r, chosen
	d := x.describeLocked()
	x.mu.Unlock()
	log.Printf("connected to the %s (kubeconfig %s, DNS %q)", d, c.Kubeconfig, c.DNSAddr)
	return d, nil
}

// Cluster is the cluster the game is connected to; nil before Connect.
func (x *Game) Cluster() *cluster.Cluster {
	c, _ := x.connection()
	return c
}

// ClusterName names a cluster for the player: "sim cluster k8squest-sim".
func ClusterName(c *cluster.Cluster) string {
	return fmt.Sprintf("%s cluster %s", c.Provider, c.Name)
}

// describeLocked names the connected cluster, and why it was chosen when
// the player did not choose; mu is held and the game is connected.
func (x *Game) describeLocked() string {
	d := ClusterName(x.cluster)
	if x.chosen != "" {
		d += " (" + x.chosen + ")"
	}
	return d
}
