package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	prog "github.com/k8squest/k8squest/engine/progress"
)

func newProgressCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "progress",
		Short: "Show your XP and the levels you have completed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			x, st, err := g.gameWithProgress()
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(progressJSON{TotalXP: st.TotalXP(), File: x.store.Path(), State: st})
			}
			fmt.Fprintf(g.stdout, "Total XP: %d\n", st.TotalXP())
			ids := make([]int, 0, len(st.Levels))
			for id := range st.Levels {
				ids = append(ids, id)
			}
			sort.Ints(ids)
			for _, id := range ids {
				r := st.Levels[id]
				state := "started"
				if r.Completed {
					state = "completed"
				}
				fmt.Fprintf(g.stdout, "level %d: %s, best %d XP, %d attempts, best time %ds\n", id, state, r.BestXP, r.Attempts, r.BestSeconds)
			}
			fmt.Fprintf(g.stdout, "(saved in %s)\n", x.store.Path())
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the progress as JSON")
	return c
}

// progressJSON is `k8squest progress --json`: the saved state plus its total.
type progressJSON struct {
	TotalXP int    `json:"totalXP"`
	File    string `json:"file"`
	prog.State
}
