package classroom

import (
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"charm.land/log/v2"

	"github.com/k8squest/k8squest/engine/xdg"
)

// DefaultListen is where the server listens unless told otherwise: loopback
// only. A real classroom passes 0.0.0.0:2222.
const DefaultListen = "127.0.0.1:2222"

// Config configures a classroom server. DefaultConfig fills in everything
// but the workshop's game, keys and code.
type Config struct {
	// Listen is the address to listen on.
	Listen string
	// StateDir holds the host key and the roster (mode 0700).
	StateDir string
	// Workshop names the workshop; learners' namespaces are
	// "<workshop>-<name>".
	Workshop string
	// JoinCode is what a learner types at the prompt; NewJoinCode makes one.
	JoinCode string
	// InstructorKeys are the keys that log in as InstructorUser.
	InstructorKeys *KeySet
	// Learners and Instructor are the game; Presence, optional, hears
	// learners come and go.
	Learners   Learners
	Instructor Instructor
	Presence   Presence

	// MaxLearners caps the names the roster binds: how many learners the
	// cluster holds. A learner beyond it is refused at login with a
	// message, never left waiting on a Pending pod. 0 means no cap.
	MaxLearners int
	// MaxSessions caps the learners' sessions open at once; the
	// instructor's do not count, so the instructor can always get in.
	MaxSessions int
	// MaxConnections caps the connections open at once, logged in or not.
	MaxConnections int
	// IdleTimeout ends a terminal session after this long without a key
	// pressed, and a connection after this long without any traffic.
	IdleTimeout time.Duration
	// MaxSession ends any session after this long.
	MaxSession time.Duration
	// HandshakeTimeout bounds the time from connecting to logged in,
	// typing the join code included.
	HandshakeTimeout time.Duration
	// AuthBurst wrong join codes are allowed at once from one address;
	// after that, one more every AuthRefill.
	AuthBurst  int
	AuthRefill time.Duration

	// Log receives the server's events; it never writes to a session.
	Log *log.Logger
	// Now is the clock (time.Now in production).
	Now func() time.Time
}

// DefaultConfig returns the defaults: loopback on port 2222, the state
// under $XDG_STATE_HOME/k8squest/classroom, 100 sessions and 256
// connections, 30 minutes idle,
// 8 hours at most, 2 minutes to log in, 5 wrong codes at once then one
// every 10 seconds.
func DefaultConfig() Config {
	return Config{
		Listen:           DefaultListen,
		StateDir:         filepath.Join(xdg.StateDir(), "classroom"),
		Workshop:         "workshop",
		MaxSessions:      100,
		MaxConnections:   256,
		IdleTimeout:      30 * time.Minute,
		MaxSession:       8 * time.Hour,
		HandshakeTimeout: 2 * time.Minute,
		AuthBurst:        5,
		AuthRefill:       10 * time.Second,
	}
}

// Validate checks the configuration, naming the field at fault.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen address %q: %w", c.Listen, err))
	}
	if c.StateDir == "" {
		errs = append(errs, errors.New("state directory: none given"))
	}
	if err := ValidWorkshop(c.Workshop); err != nil {
		errs = append(errs, err)
	}
	if err := validJoinCode(c.JoinCode); err != nil {
		errs = append(errs, err)
	}
	if c.InstructorKeys == nil || c.InstructorKeys.Len() == 0 {
		errs = append(errs, errors.New("instructor keys: none given"))
	}
	if c.Learners == nil || c.Instructor == nil {
		errs = append(errs, errors.New("the game: Learners and Instructor are both needed"))
	}
	return errors.Join(append(errs, c.validateLimits()...)...)
}

// validateLimits checks the numbers.
func (c *Config) validateLimits() []error {
	var errs []error
	for name, d := range map[string]time.Duration{"idle timeout": c.IdleTimeout, "maximum session": c.MaxSession, "handshake timeout": c.HandshakeTimeout, "auth refill": c.AuthRefill} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s: %s is not a positive duration", name, d))
		}
	}
	if c.MaxLearners < 0 {
		errs = append(errs, fmt.Errorf("maximum learners: %d is negative", c.MaxLearners))
	}
	if c.MaxSessions <= 0 {
		errs = append(errs, fmt.Errorf("maximum sessions: %d is not positive", c.MaxSessions))
	}
	if c.MaxConnections <= 0 {
		errs = append(errs, fmt.Errorf("maximum connections: %d is not positive", c.MaxConnections))
	}
	if c.AuthBurst <= 0 {
		errs = append(errs, fmt.Errorf("auth burst: %d is not positive", c.AuthBurst))
	}
	return errs
}

// withDefaults fills the optional fields.
func (c Config) withDefaults() Config {
	if c.Log == nil {
		c.Log = log.New(io.Discard)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// hostKeyPath is where the host key lives.
func (c *Config) hostKeyPath() string { return filepath.Join(c.StateDir, "ssh_host_ed25519_key") }

// rosterPath is where the workshop's roster lives.
func (c *Config) rosterPath() string {
	return filepath.Join(c.StateDir, "roster-"+c.Workshop+".json")
}
