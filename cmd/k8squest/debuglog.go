package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/xdg"
)

// EnvDebug turns the debug log on, like --debug.
const EnvDebug = "K8SQUEST_DEBUG"

// debugLogPath is where --debug writes: never the terminal, which the game
// draws on.
func debugLogPath() string { return filepath.Join(xdg.CacheDir(), "k8squest.log") }

// openDebugLog sends client-go's log lines and the game's own to the debug
// log file, and returns a function that closes it.
func openDebugLog(args []string) (func(), error) {
	path := debugLogPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("--debug: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--debug: %w", err)
	}
	kube.SetLogOutput(f)
	log.SetOutput(f)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.Printf("k8squest %v (pid %d)", args, os.Getpid())
	return func() { _ = f.Close() }, nil
}
