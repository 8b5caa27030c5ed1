package classroom

import (
	"errors"
	"fmt"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// The permission extensions that carry a session's identity from
// authentication to its handler.
const (
	extRole = "k8squest-role"
	extName = "k8squest-name"
	extKey  = "k8squest-key"
)

// errRefused is the error of every refused authentication step; the
// reason goes to the client as an authentication banner.
var errRefused = errors.New("k8squest: authentication refused")

// authConn is one connection's authentication. A learner's key is
// accepted only as a first step (partial success): the join code,
// asked at the keyboard-interactive prompt, is the second. When no key
// is acceptable, the client falls back to keyboard-interactive, and that
// step tells why, once, instead of at every key the client tries.
type authConn struct {
	s *Server
	// reason is why the last key was refused.
	reason string
}

// serverConfig is the ssh.ServerConfigCallback: fresh authentication
// state for each connection.
func (s *Server) serverConfig(ssh.Context) *gossh.ServerConfig {
	a := &authConn{s: s}
	return &gossh.ServerConfig{
		PublicKeyCallback:           a.publicKey,
		KeyboardInteractiveCallback: a.noKey,
		// Clients with many keys in their agent try each in turn.
		MaxAuthTries: 10,
	}
}

// publicKey decides what key may do for the user it logs in as.
func (a *authConn) publicKey(conn gossh.ConnMetadata, key gossh.PublicKey) (*gossh.Permissions, error) {
	s, user := a.s, conn.User()
	if user == InstructorUser {
		if s.cfg.InstructorKeys.Contains(key) {
			return identity(roleInstructor, user, key), nil
		}
		return nil, a.refuse("only an instructor's key logs in as %s, and this client offered none of the keys the server was given", InstructorUser)
	}
	if err := ValidLearner(s.cfg.Workshop, user); err != nil {
		return nil, a.refuse("%v", err)
	}
	if err := s.allowAuth(conn); err != nil {
		return nil, a.refuse("%v", err)
	}
	if err := s.roster.Check(user, key); err != nil {
		return nil, a.refuse("the name %q is taken: another learner joined with it using another key; log in with a name of your own (ssh NAME@host)", user)
	}
	next := gossh.ServerAuthCallbacks{KeyboardInteractiveCallback: a.joinCode(key)}
	return nil, &gossh.PartialSuccessError{Next: next}
}

// refuse records why a key was refused and returns errRefused.
func (a *authConn) refuse(format string, args ...any) error {
	a.reason = fmt.Sprintf(format, args...)
	return errRefused
}

// noKey is keyboard-interactive without an accepted key: it always fails,
// telling the client why.
func (a *authConn) noKey(gossh.ConnMetadata, gossh.KeyboardInteractiveChallenge) (*gossh.Permissions, error) {
	reason := a.reason
	if reason == "" {
		reason = "no public key offered: k8squest logs you in with your SSH key and the join code; create a key with ssh-keygen -t ed25519 and connect again"
	}
	return nil, banner(reason)
}

// joinCode returns the second step for a learner whose key was accepted:
// ask the join code, and bind the name to the key on the first success.
func (a *authConn) joinCode(key gossh.PublicKey) func(gossh.ConnMetadata, gossh.KeyboardInteractiveChallenge) (*gossh.Permissions, error) {
	return func(conn gossh.ConnMetadata, ask gossh.KeyboardInteractiveChallenge) (*gossh.Permissions, error) {
		s, name := a.s, conn.User()
		if err := s.allowAuth(conn); err != nil {
			return nil, banner(err.Error())
		}
		intro := fmt.Sprintf("Joining workshop %s as %s.", s.cfg.Workshop, name)
		answers, err := ask("", intro, []string{"Join code: "}, []bool{false})
		if err != nil {
			return nil, fmt.Errorf("ask the join code: %w", err)
		}
		if len(answers) != 1 || !codeMatches(s.cfg.JoinCode, answers[0]) {
			s.limiter.fail(hostOf(conn.RemoteAddr()), s.cfg.Now())
			s.cfg.Log.Info("wrong join code", "name", name, "remote", conn.RemoteAddr().String())
			return nil, banner("wrong join code for workshop " + s.cfg.Workshop + ": ask your instructor for it")
		}
		return a.bind(conn, name, key)
	}
}

// bind binds name to key after a right join code.
func (a *authConn) bind(conn gossh.ConnMetadata, name string, key gossh.PublicKey) (*gossh.Permissions, error) {
	s := a.s
	err := s.roster.Bind(name, key, s.cfg.Now())
	switch {
	case errors.Is(err, ErrNameTaken):
		return nil, banner(fmt.Sprintf("the name %q was just taken by another learner's key: log in with a name of your own", name))
	case errors.Is(err, ErrRosterFull):
		s.cfg.Log.Warn("workshop full", "name", name, "max", s.cfg.MaxLearners)
		return nil, banner(fmt.Sprintf("workshop %s is full: the cluster holds %d learners and %d have joined; tell your instructor", s.cfg.Workshop, s.cfg.MaxLearners, s.cfg.MaxLearners))
	case err != nil:
		s.cfg.Log.Error("save the roster", "name", name, "err", err)
		return nil, banner("the server could not save your name: tell your instructor (" + err.Error() + ")")
	}
	s.cfg.Log.Info("learner logged in", "name", name, "key", gossh.FingerprintSHA256(key), "remote", conn.RemoteAddr().String())
	return identity(roleLearner, name, key), nil
}

// allowAuth applies the rate limit of the connection's address.
func (s *Server) allowAuth(conn gossh.ConnMetadata) error {
	addr := hostOf(conn.RemoteAddr())
	if ok, wait := s.limiter.allow(addr, s.cfg.Now()); !ok {
		return fmt.Errorf("too many wrong join codes from %s: try again in %s", addr, ceilSecond(wait))
	}
	return nil
}

// banner is a refusal whose message the client shows.
func banner(msg string) error {
	return &gossh.BannerError{Err: errRefused, Message: "k8squest: " + msg + "\n"}
}

// identity is the permissions of a logged-in session.
func identity(r role, name string, key gossh.PublicKey) *gossh.Permissions {
	return &gossh.Permissions{Extensions: map[string]string{
		extRole: r.String(),
		extName: name,
		extKey:  gossh.FingerprintSHA256(key),
	}}
}

// ceilSecond rounds d up to a whole second, so "try again in 0s" never shows.
func ceilSecond(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}
