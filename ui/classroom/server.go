// Package classroom is k8squest's classroom server: learners play the game
// over SSH, each in their own namespace, and the instructor watches and
// steers the class. It serves Bubble Tea programs with wish and talks to
// the game only through the Learners and Instructor interfaces.
package classroom

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Server is a classroom SSH server.
type Server struct {
	cfg     Config
	srv     *ssh.Server
	roster  *Roster
	limiter *limiter
	hostKey gossh.PublicKey

	mu sync.Mutex
	// live are the open sessions; perName counts each learner's, for
	// Presence; tui is each learner's terminal session.
	live    map[*session]struct{}
	perName map[string]int
	tui     map[string]*session
}

// New checks cfg and prepares a server: it creates the state directory,
// loads or generates the host key and opens the roster.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("classroom configuration: %w", err)
	}
	cfg = cfg.withDefaults()
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory %s: %w", cfg.StateDir, err)
	}
	signer, err := loadHostKey(cfg.hostKeyPath())
	if err != nil {
		return nil, err
	}
	roster, err := OpenRoster(cfg.rosterPath(), cfg.Workshop)
	if err != nil {
		return nil, err
	}
	roster.SetLimit(cfg.MaxLearners)
	s := &Server{
		cfg: cfg, roster: roster, hostKey: signer.PublicKey(),
		limiter: newLimiter(cfg.AuthBurst, cfg.AuthRefill, 10000),
		live:    map[*session]struct{}{}, perName: map[string]int{}, tui: map[string]*session{},
	}
	s.srv = &ssh.Server{
		Addr:                 cfg.Listen,
		HostSigners:          []ssh.Signer{signer},
		Version:              "k8squest",
		Handler:              s.handle,
		ServerConfigCallback: s.serverConfig,
		IdleTimeout:          cfg.IdleTimeout,
		HandshakeTimeout:     cfg.HandshakeTimeout,
		ConnCallback:         (&connGate{max: int64(cfg.MaxConnections)}).admit,
	}
	return s, nil
}

// HostKey is the server's public host key, for learners to check its
// fingerprint (gossh.FingerprintSHA256).
func (s *Server) HostKey() gossh.PublicKey { return s.hostKey }

// Roster is the workshop's roster of names and keys.
func (s *Server) Roster() *Roster { return s.roster }

// Listen opens the listening socket at the configured address.
func (s *Server) Listen() (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", s.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return ln, nil
}

// Serve serves SSH on ln until ctx ends, then closes every connection.
// It returns nil after ctx ended.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { _ = s.srv.Close() })
	defer stop()
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve SSH on %s: %w", ln.Addr(), err)
}

// ListenAndServe listens at the configured address and serves until ctx
// ends.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Sessions is the number of open sessions, the instructor's included.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}
