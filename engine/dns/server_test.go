package dns

import (
	"net"
	"sync"
	"testing"

	mdns "github.com/miekg/dns"
)

// testServer is a real DNS server on 127.0.0.1 with fixed records.
type testServer struct {
	addr     string
	udp, tcp *mdns.Server
	mu       sync.Mutex
	// asked lists the question names in arrival order, with the network.
	asked []string
}

// fixed holds the records every test server serves, keyed by owner name.
var fixed = map[string]string{
	"web.default.svc.cluster.local.":            "web.default.svc.cluster.local. 5 IN A 10.0.0.1",
	"kubernetes.default.svc.cluster.local.":     "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1",
	"_http._tcp.web.default.svc.cluster.local.": "_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web-0.web.default.svc.cluster.local.",
	"1.0.0.10.in-addr.arpa.":                    "1.0.0.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local.",
	"svc-only.svc.cluster.local.":               "svc-only.svc.cluster.local. 5 IN A 10.0.0.2",
	"a.b.c.d.e.f.":                              "a.b.c.d.e.f. 5 IN A 10.0.0.3",
	"big.example.":                              "big.example. 5 IN A 10.9.9.9",
	"empty.default.svc.cluster.local.":          "",
}

// silent holds the names a test server takes but never answers.
var silent = map[string]bool{"backend.": true}

func startServer(t *testing.T) *testServer {
	t.Helper()
	s := &testServer{}
	pc, ln := listenPair(t)
	s.addr = pc.LocalAddr().String()
	mux := mdns.HandlerFunc(s.serve)
	udp := &mdns.Server{PacketConn: pc, Handler: mux}
	tcp := &mdns.Server{Listener: ln, Handler: mux}
	s.udp, s.tcp = udp, tcp
	started := make(chan struct{}, 2)
	udp.NotifyStartedFunc = func() { started <- struct{}{} }
	tcp.NotifyStartedFunc = func() { started <- struct{}{} }
	go func() { _ = udp.ActivateAndServe() }()
	go func() { _ = tcp.ActivateAndServe() }()
	<-started
	<-started
	t.Cleanup(s.stop)
	return s
}

// stop shuts the server down; connections to it are then refused.
func (s *testServer) stop() {
	_ = s.udp.Shutdown()
	_ = s.tcp.Shutdown()
}

// listenPair opens UDP and TCP on the same loopback port.
func listenPair(t *testing.T) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen udp: %v", err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		_ = pc.Close()
	}
	t.Fatal("no free loopback port for both UDP and TCP")
	return nil, nil
}

func (s *testServer) serve(w mdns.ResponseWriter, r *mdns.Msg) {
	q := r.Question[0]
	s.mu.Lock()
	s.asked = append(s.asked, w.RemoteAddr().Network()+" "+q.Name)
	s.mu.Unlock()
	m := new(mdns.Msg)
	m.SetReply(r)
	switch {
	case silent[q.Name]:
		// Like CoreDNS forwarding a name to an upstream that never answers.
		return
	case q.Name == "servfail.example.":
		m.Rcode = mdns.RcodeServerFailure
	case q.Name == "big.example." && w.RemoteAddr().Network() == "udp":
		m.Truncated = true
	default:
		s.answer(m, q)
	}
	_ = w.WriteMsg(m)
}

func (s *testServer) answer(m *mdns.Msg, q mdns.Question) {
	text, ok := fixed[q.Name]
	if !ok {
		m.Rcode = mdns.RcodeNameError
		return
	}
	if text == "" {
		return
	}
	rr, err := mdns.NewRR(text)
	if err != nil {
		panic(err)
	}
	if rr.Header().Rrtype == q.Qtype {
		m.Answer = append(m.Answer, rr)
	}
}

func (s *testServer) questions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}
