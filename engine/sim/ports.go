package sim

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// ErrPortInUse says that a port the sim cluster needs is taken.
var ErrPortInUse = errors.New("port already in use")

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// checkPortFree returns an error wrapping ErrPortInUse when port cannot be
// bound on 127.0.0.1.
func checkPortFree(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("127.0.0.1:%d: %w (%w)", port, ErrPortInUse, err)
	}
	return ln.Close()
}

// pickPorts chooses distinct free ports; api, when not zero, is used for the API server.
func pickPorts(api int) (Ports, error) {
	seen := map[int]bool{api: true}
	next := func() (int, error) {
		for {
			p, err := freePort()
			if err != nil {
				return 0, err
			}
			if !seen[p] {
				seen[p] = true
				return p, nil
			}
		}
	}
	var ps Ports
	for _, dst := range []*int{&ps.Etcd, &ps.EtcdPeer, &ps.Controller, &ps.Scheduler, &ps.Kwok, &ps.DNS} {
		p, err := next()
		if err != nil {
			return Ports{}, err
		}
		*dst = p
	}
	ps.API = api
	if api == 0 {
		p, err := next()
		if err != nil {
			return Ports{}, err
		}
		ps.API = p
	}
	return ps, nil
}

// pickPortsFn is pickPorts; tests replace it to force a port clash.
var pickPortsFn = pickPorts
