// Command runcshim stands between a container manager and runc on machines
// whose capability bounding set lacks CAP_SYS_RESOURCE and whose kernel
// refuses a negative oom_score_adj. On create and run it edits the bundle's
// config.json, on exec the --process file: it removes CAP_SYS_RESOURCE from
// every capability set and raises a negative oomScoreAdj to 0. Then it execs
// the real runc with the same arguments. Where the bounding set holds
// CAP_SYS_RESOURCE it changes nothing.
//
// The harness registers it as dockerd's default runtime, and installs it in
// the kind node image as the runc containerd calls.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// realRunc is the runc this shim execs; the harness sets it with -ldflags -X.
var realRunc = "/usr/sbin/runc"

// dropped is the capability this machine withholds.
const dropped = "CAP_SYS_RESOURCE"

// capSysResource is CAP_SYS_RESOURCE's bit in a capability set.
const capSysResource = 24

// hasCap reports whether the bounding set in a /proc/PID/status text holds
// the capability bit; where it does, the shim passes everything through.
func hasCap(status string, bit uint) bool {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			set, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && set&(1<<bit) != 0
		}
	}
	return false
}

// globalWithValue are runc's global flags that take a value.
var globalWithValue = []string{"--root", "--log", "--log-format", "--criu", "--rootless"}

func main() {
	if status, err := os.ReadFile("/proc/self/status"); err != nil || !hasCap(string(status), capSysResource) {
		if err := fix(os.Args[1:]); err != nil {
			fmt.Fprintf(os.Stderr, "runcshim: %v\n", err)
			os.Exit(1)
		}
	}
	argv := append([]string{realRunc}, os.Args[1:]...)
	if err := syscall.Exec(realRunc, argv, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "runcshim: exec %s: %v\n", realRunc, err)
		os.Exit(1)
	}
}

// fix edits the spec file the runc command in args will read, if any.
func fix(args []string) error {
	cmd, rest := command(args)
	switch cmd {
	case "create", "run":
		bundle := flagValue(rest, "--bundle", "-b")
		if bundle == "" {
			bundle = "."
		}
		return editFile(filepath.Join(bundle, "config.json"), func(spec map[string]any) {
			if p, ok := spec["process"].(map[string]any); ok {
				fixProcess(p)
			}
		})
	case "exec":
		if path := flagValue(rest, "--process", "-p"); path != "" {
			return editFile(path, fixProcess)
		}
	}
	return nil
}

// command returns runc's subcommand and the arguments after it.
func command(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return a, args[i+1:]
		}
		if slices.Contains(globalWithValue, a) {
			i++
		}
	}
	return "", nil
}

// flagValue returns the value of the flag called long or short in args.
func flagValue(args []string, long, short string) string {
	for i, a := range args {
		for _, name := range []string{long, short} {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, name+"="); ok {
				return v
			}
		}
	}
	return ""
}

// fixProcess edits an OCI process object in place.
func fixProcess(p map[string]any) {
	if caps, ok := p["capabilities"].(map[string]any); ok {
		for set, v := range caps {
			list, ok := v.([]any)
			if !ok {
				continue
			}
			caps[set] = slices.DeleteFunc(list, func(c any) bool { return c == dropped })
		}
	}
	if adj, ok := p["oomScoreAdj"].(float64); ok && adj < 0 {
		p["oomScoreAdj"] = 0
	}
}

// editFile rewrites the JSON file at path through edit, keeping its mode.
func editFile(path string, edit func(map[string]any)) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("parse spec %s: %w", path, err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode spec %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat spec: %w", err)
	}
	if err := os.WriteFile(path, out, st.Mode().Perm()); err != nil {
		return fmt.Errorf("write spec: %w", err)
	}
	return nil
}
