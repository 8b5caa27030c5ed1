// Package xdg finds the game's directories under the XDG base directories.
package xdg

import (
	"os"
	"path/filepath"
)

// App is the directory name used under every base directory.
const App = "k8squest"

// CacheDir returns $XDG_CACHE_HOME/k8squest, defaulting to ~/.cache/k8squest.
func CacheDir() string { return base("XDG_CACHE_HOME", ".cache") }

// StateDir returns $XDG_STATE_HOME/k8squest, defaulting to ~/.local/state/k8squest.
func StateDir() string { return base("XDG_STATE_HOME", filepath.Join(".local", "state")) }

func base(env, fallback string) string {
	if d := os.Getenv(env); filepath.IsAbs(d) {
		return filepath.Join(d, App)
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		home = os.TempDir()
	}
	return filepath.Join(home, fallback, App)
}
