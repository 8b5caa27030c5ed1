package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// Ports are the loopback ports of a running sim cluster.
type Ports struct {
	Etcd       int `json:"etcd"`
	EtcdPeer   int `json:"etcdPeer"`
	API        int `json:"api"`
	Controller int `json:"controllerManager"`
	Scheduler  int `json:"scheduler"`
	Kwok       int `json:"kwok"`
	DNS        int `json:"dns"`
}

// Proc is one process of a running sim cluster.
type Proc struct {
	Name   string `json:"name"`
	PID    int    `json:"pid"`
	Binary string `json:"binary"`
}

// State is what state.json records about a sim cluster.
type State struct {
	Started time.Time `json:"started"`
	Ports   Ports     `json:"ports"`
	Procs   []Proc    `json:"procs"`
	// Args are each process's arguments by name, so Restart starts it as it was.
	Args       map[string][]string `json:"args,omitempty"`
	Kubeconfig string              `json:"kubeconfig"`
	Versions   []string            `json:"versions"`
	// Ready is set once Up saw the whole cluster ready.
	Ready bool `json:"ready"`
	// ReadyAfter is how long startup took, from the first process to ready.
	ReadyAfter string `json:"readyAfter,omitempty"`
}

// layout names the files under $StateDir/sim.
type layout struct{ dir string }

func (l layout) state() string      { return filepath.Join(l.dir, "state.json") }
func (l layout) lock() string       { return filepath.Join(l.dir, "lock") }
func (l layout) pki() pki           { return pki{filepath.Join(l.dir, "pki")} }
func (l layout) token() string      { return filepath.Join(l.dir, "tokens.csv") }
func (l layout) kubeconfig() string { return filepath.Join(l.dir, "kubeconfig") }
func (l layout) etcdData() string   { return filepath.Join(l.dir, "etcd") }
func (l layout) logs() string       { return filepath.Join(l.dir, "logs") }
func (l layout) certs() string      { return filepath.Join(l.dir, "certs") }
func (l layout) stages() string     { return filepath.Join(l.dir, "kwok-stages.yaml") }
func (l layout) corefile() string   { return filepath.Join(l.dir, "Corefile") }
func (l layout) log(name string) string {
	return filepath.Join(l.logs(), name+".log")
}

// loadState reads state.json; a missing file returns (nil, nil).
func loadState(l layout) (*State, error) {
	data, err := os.ReadFile(l.state())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sim state: %w", err)
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parse sim state %s: %w", l.state(), err)
	}
	return &s, nil
}

// saveState writes state.json atomically.
func saveState(l layout, s *State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sim state: %w", err)
	}
	tmp := l.state() + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write sim state: %w", err)
	}
	if err := os.Rename(tmp, l.state()); err != nil {
		return fmt.Errorf("write sim state: %w", err)
	}
	return nil
}

// clearState removes everything under the sim state dir except the lock.
func clearState(l layout) error {
	entries, err := os.ReadDir(l.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("clear sim state: %w", err)
	}
	for _, e := range entries {
		if e.Name() == "lock" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(l.dir, e.Name())); err != nil {
			return fmt.Errorf("clear sim state: %w", err)
		}
	}
	return nil
}

// unlock releases the state lock. Closing the lock file releases it even
// when unlocking reports an error, so there is nothing to do with one.
func unlock(fl *flock.Flock) { _ = fl.Unlock() }

// lockState takes the state dir's file lock, waiting for another k8squest
// (or test package) that holds it, until ctx ends.
// waiting, when not nil, is called once if the lock is busy.
func lockState(ctx context.Context, l layout, waiting func()) (*flock.Flock, error) {
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return nil, fmt.Errorf("create sim state dir: %w", err)
	}
	fl := flock.New(l.lock())
	if ok, err := fl.TryLock(); err == nil && ok {
		return fl, nil
	}
	if waiting != nil {
		waiting()
	}
	ok, err := fl.TryLockContext(ctx, 250*time.Millisecond)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", l.lock(), err)
	}
	if !ok {
		return nil, fmt.Errorf("lock %s: not acquired", l.lock())
	}
	return fl, nil
}
