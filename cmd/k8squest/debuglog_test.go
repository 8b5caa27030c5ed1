package main

import "testing"

func TestHasFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"check", "30", "--debug"}, true},
		{[]string{"--debug=true", "levels"}, true},
		{[]string{"levels"}, false},
		{[]string{"dns", "--", "--debug"}, false},
		{[]string{"--debugger"}, false},
	} {
		if got := hasFlag(tc.args, "--debug"); got != tc.want {
			t.Errorf("hasFlag(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
