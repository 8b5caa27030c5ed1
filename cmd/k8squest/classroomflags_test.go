package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseLevels(t *testing.T) {
	exists := func(id int) bool { return id >= 1 && id <= 30 }
	got, err := parseLevels("21-23,25, 21", exists)
	if err != nil || !slices.Equal(got, []int{21, 22, 23, 25}) {
		t.Fatalf("parseLevels: %v %v", got, err)
	}
	for _, bad := range []string{"", "x", "30-21", "0", "29-31", "21-"} {
		_, err := parseLevels(bad, exists)
		if err == nil || !strings.Contains(err.Error(), "--levels") {
			t.Errorf("parseLevels(%q): %v, want an error naming --levels", bad, err)
		}
	}
}
