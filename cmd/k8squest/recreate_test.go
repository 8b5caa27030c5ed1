package main

import (
	"io"
	"strings"
	"testing"
)

func TestRecreateFlagOnUpAndTheGame(t *testing.T) {
	for _, args := range [][]string{{"cluster", "up", "--recreate"}, {"play", "--recreate"}, {"--recreate"}} {
		g := &globals{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
		root := newRootCmd(g)
		cmd, rest, err := root.Find(args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if !g.recreate {
			t.Fatalf("%q: --recreate not seen", args)
		}
	}
}
