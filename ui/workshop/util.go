package workshop

import "slices"

// sortStrings sorts s in place and returns it.
func sortStrings(s []string) []string {
	slices.Sort(s)
	return s
}
