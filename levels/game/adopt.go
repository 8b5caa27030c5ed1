package game

import (
	"errors"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
)

// Conn is a connection to a cluster that several games share: the
// classroom server connects once and every learner's game adopts it, so
// the server holds one DNS resolver (one port-forward, one informer on
// the DNS pods) however many learners play.
type Conn struct {
	// Cluster is the connected cluster.
	Cluster *cluster.Cluster
	// Resolver asks the cluster's DNS; the games that adopt it never
	// close it: its owner does.
	Resolver dns.Resolver
}

// Conn returns the game's connection, for other games to adopt through
// Options.Adopt; it is nil before Connect.
func (x *Game) Conn() *Conn {
	c, r := x.connection()
	if c == nil {
		return nil
	}
	return &Conn{Cluster: c, Resolver: r}
}

// validAdopt checks a connection given to adopt.
func validAdopt(c *Conn) error {
	if c != nil && (c.Cluster == nil || c.Resolver == nil) {
		return errors.New("adopt a connection: it has no cluster or no DNS resolver")
	}
	return nil
}

// adoptLocked takes Options.Adopt as the game's connection; mu is held.
func (x *Game) adoptLocked() string {
	x.cluster, x.resolver = x.opts.Adopt.Cluster, x.opts.Adopt.Resolver
	return x.describeLocked()
}

// Options are the options the game was made with.
func (x *Game) Options() Options { return x.opts }
