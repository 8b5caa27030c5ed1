package main

import "github.com/spf13/cobra"

// TODO: replaced by the cluster, dns and game command files.
func gameCommands(g *globals) []*cobra.Command { return nil }
