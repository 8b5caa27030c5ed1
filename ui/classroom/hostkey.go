package classroom

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	gossh "golang.org/x/crypto/ssh"
)

// loadHostKey reads the server's private host key at path, generating an
// ed25519 key there (mode 0600) the first time, so learners see the same
// host key across restarts. A key file others may read is refused, as
// OpenSSH refuses one.
func loadHostKey(path string) (gossh.Signer, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return generateHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read host key %s: %w", path, err)
	}
	if err := checkPrivate(path); err != nil {
		return nil, err
	}
	s, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("parse host key %s: %w", path, err)
	}
	return s, nil
}

// generateHostKey creates an ed25519 host key at path.
func generateHostKey(path string) (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "k8squest classroom host key")
	if err != nil {
		return nil, fmt.Errorf("encode host key: %w", err)
	}
	if err := writeFileAtomic(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("save host key: %w", err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("use host key %s: %w", path, err)
	}
	return s, nil
}

// checkPrivate refuses a key file that its group or others may read.
func checkPrivate(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat host key %s: %w", path, err)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Errorf("host key %s has mode %04o, readable by others: run chmod 600 %s", path, mode, path)
	}
	return nil
}
