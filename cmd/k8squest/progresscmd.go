package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/levels/game"
)

func newProgressCmd(g *globals) *cobra.Command {
	var asJSON bool
	var notes string
	c := &cobra.Command{
		Use:   "progress",
		Short: "Show your XP and the levels you have completed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			x, st, err := g.gameWithProgress()
			if err != nil {
				return err
			}
			if notes != "" {
				return printNotes(g, x, st, notes)
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(progressJSON{TotalXP: st.TotalXP(), File: x.ProgressPath(), State: st})
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
				if r.Notes != nil {
					fmt.Fprintf(g.stdout, "    field notes of the latest play: k8squest progress --notes %d\n", id)
				}
			}
			fmt.Fprintf(g.stdout, "(saved in %s)\n", x.ProgressPath())
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the progress as JSON")
	c.Flags().StringVar(&notes, "notes", "", "print the field notes of level `N`'s latest completion")
	return c
}

// printNotes prints the "On your cluster" notes of a level's latest
// completion.
func printNotes(g *globals, x *game.Game, st prog.State, arg string) error {
	l, err := x.Level(arg)
	if err != nil {
		return fmt.Errorf("--notes: %w", err)
	}
	r := st.Levels[l.ID]
	if r == nil || r.Notes == nil {
		return fmt.Errorf("--notes: level %d has no field notes yet: they are kept when you complete it", l.ID)
	}
	fmt.Fprint(g.stdout, r.Notes.Markdown(l.Debrief))
	return nil
}

// progressJSON is `k8squest progress --json`: the saved state plus its total.
type progressJSON struct {
	TotalXP int    `json:"totalXP"`
	File    string `json:"file"`
	prog.State
}
