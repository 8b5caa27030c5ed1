//go:build kind

package levels_test

import (
	"strings"
	"testing"
)

// The toolbox's wget, as the debriefs run it (level 25's says `wget -qO-
// -T 3`): it prints the answer, and -T gives up on a server that accepts
// but never answers. Before the busybox build turned on
// CONFIG_FEATURE_WGET_TIMEOUT, any -T was a segfault (exit 139).
func TestKindToolboxWget(t *testing.T) {
	t.Parallel()
	r := setUp(t, 26)
	tb := r.toolbox()
	res := r.traffic(tb, "wget -qO- http://session-service/", true)
	if !strings.Contains(res.Stdout, "Welcome to nginx!") {
		t.Fatalf("wget -qO- printed %q, want the nginx stand-in's page", res.Stdout)
	}
	res = r.sh(tb, "wget -qO- -T 3 http://session-service/")
	if res.Err != nil || !strings.Contains(res.Stdout, "Welcome to nginx!") {
		t.Fatalf("wget -qO- -T 3: %s, want the nginx stand-in's page", res)
	}
	// nc listens, takes the request and never answers while sleep holds
	// its stdin open (for 6 s; the exec ends once nothing holds its output).
	silent := `(sleep 6 | nc -l -p 8081) </dev/null >/dev/null 2>&1 &
i=0; while ! netstat -ltn | grep -q ':8081 '; do i=$((i+1)); [ $i -lt 50 ] || exit 9; sleep 0.1; done
s=$(date +%s); wget -qO- -T 2 http://127.0.0.1:8081/; rc=$?; echo "rc=$rc took=$(($(date +%s)-s))"; exit $rc`
	res = r.sh(tb, silent)
	t.Logf("wget -T 2 to a server that never answers: %s", res)
	out := strings.TrimSpace(res.Stdout)
	if res.Err == nil || !strings.HasPrefix(out, "rc=1 ") || !strings.Contains(res.Stderr, "timed out") {
		t.Fatalf("wget -T 2 to a silent server: %s, want exit 1 and \"timed out\"", res)
	}
	if out != "rc=1 took=2" && out != "rc=1 took=3" && out != "rc=1 took=1" {
		t.Fatalf("wget -T 2 gave up after %s, want about 2 s", out)
	}
}
