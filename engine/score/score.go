// Package score turns how a level was played into XP.
package score

import "strconv"

// Outcome is how one attempt at a level went.
type Outcome struct {
	// LevelXP is the level's full reward.
	LevelXP int
	// HintCosts are the costs of the hints the player opened.
	HintCosts []int
	// SolutionCost is the cost of the solution, when it was opened.
	SolutionCost int
	// SolutionOpened says the player looked at the solution.
	SolutionOpened bool
	// Seconds is how long the attempt took.
	Seconds int
	// Resets is how many times the player reset the level during the attempt.
	Resets int
}

// Line is one row of an XP breakdown.
type Line struct {
	Label string
	XP    int
}

// Breakdown is the XP an outcome earns, line by line.
type Breakdown struct {
	Lines []Line
	// Total is never below zero.
	Total int
}

// MinXP is the least a completed level pays, whatever help was used.
const MinXP = 10

// Score computes the XP an outcome earns. Hints and the solution cost what the
// level says they cost, and the total never drops below MinXP.
func Score(o Outcome) Breakdown {
	b := Breakdown{Lines: []Line{{Label: "Level completed", XP: o.LevelXP}}}
	total := o.LevelXP
	for i, c := range o.HintCosts {
		b.Lines = append(b.Lines, Line{Label: "Hint " + strconv.Itoa(i+1), XP: -c})
		total -= c
	}
	if o.SolutionOpened {
		b.Lines = append(b.Lines, Line{Label: "Solution viewed", XP: -o.SolutionCost})
		total -= o.SolutionCost
	}
	if total < MinXP {
		b.Lines = append(b.Lines, Line{Label: "Minimum for a completed level", XP: MinXP - total})
		total = MinXP
	}
	b.Total = total
	return b
}
