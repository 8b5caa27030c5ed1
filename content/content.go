// Package content embeds the game's levels: one folder per level holding its
// spec (level.yaml), manifests, briefing, hints, solution and debrief.
package content

import "embed"

// FS holds every world folder.
//
//go:embed all:world-*
var FS embed.FS
