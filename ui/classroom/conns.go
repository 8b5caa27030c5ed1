package classroom

import (
	"net"
	"sync"
	"sync/atomic"

	"charm.land/ssh"
)

// connGate caps the connections open at once, logged in or not, so that
// clients that connect and never log in cannot use up the server before
// the handshake timeout cuts them off.
type connGate struct {
	max  int64
	open atomic.Int64
}

// admit is the ssh.ConnCallback: it counts conn, or refuses it (nil) when
// the cap is reached.
func (g *connGate) admit(_ ssh.Context, conn net.Conn) net.Conn {
	if g.open.Add(1) > g.max {
		g.open.Add(-1)
		return nil
	}
	return &countedConn{Conn: conn, gate: g}
}

// countedConn gives its place back when closed.
type countedConn struct {
	net.Conn
	gate *connGate
	once sync.Once
}

// Close implements net.Conn.
func (c *countedConn) Close() error {
	c.once.Do(func() { c.gate.open.Add(-1) })
	return c.Conn.Close()
}
