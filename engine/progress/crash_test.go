package progress

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// envSaver names the progress file TestHelperSaver writes to; without it the
// helper does nothing.
const envSaver = "K8SQUEST_TEST_SAVER"

// TestHelperSaver is not a test: TestKillDuringSave runs the test binary as a
// child that saves progress in a loop until it is killed.
func TestHelperSaver(t *testing.T) {
	path := os.Getenv(envSaver)
	if path == "" {
		t.Skip("helper process for TestKillDuringSave")
	}
	s := Open(path)
	for i := 0; ; i++ {
		var err error
		if i%2 == 0 {
			_, _, err = s.Start(21 + i%10)
		} else {
			_, _, _, err = s.Complete(Completion{Level: 21 + i%10, XP: i % 300, Seconds: 1 + i%500})
		}
		if err != nil {
			// The parent sees the exit status as an unexpected end.
			os.Exit(3)
		}
	}
}

// TestKillDuringSave kills a saving game with SIGKILL 200 times at random
// moments; after every kill the progress file must still parse, without Load
// setting it aside, and the saver must never have failed on its own.
func TestKillDuringSave(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 200 child processes")
	}
	path := filepath.Join(t.TempDir(), FileName)
	const kills = 200
	start := time.Now()
	attempts, advanced := 0, 0
	for i := 0; i < kills; i++ {
		killSaver(t, path, time.Duration(5+rand.IntN(30))*time.Millisecond)
		data, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatalf("kill %d: read progress: %v", i, err)
		}
		if err == nil {
			assertSchema(t, i, data)
		}
		st, notice, err := Open(path).Load()
		if err != nil || notice != "" {
			t.Fatalf("kill %d: load: notice %q err %v\nfile:\n%s", i, notice, err, data)
		}
		if n := totalAttempts(st); n > attempts {
			advanced++
			attempts = n
		} else if n < attempts {
			t.Fatalf("kill %d: attempts went back from %d to %d: a save was lost", i, attempts, n)
		}
	}
	t.Logf("%d kills in %s; %d children had saved before the kill, %d level starts recorded",
		kills, time.Since(start).Round(time.Millisecond), advanced, attempts)
	if advanced < kills/2 {
		t.Errorf("only %d of %d children saved anything before the kill: the kills did not hit saves", advanced, kills)
	}
	// Kills leave temp files behind; the next save clears them.
	if _, _, err := Open(path).Start(30); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(path + ".tmp-*"); len(left) != 0 {
		t.Errorf("temp files left after a clean save: %v", left)
	}
}

// killSaver starts the saver, lets it run for d, and kills it with SIGKILL.
func killSaver(t *testing.T, path string, d time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSaver$", "-test.count=1")
	cmd.Env = append(os.Environ(), envSaver+"="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("saver ended on its own before the kill: %v", err)
	}
}

func assertSchema(t *testing.T, i int, data []byte) {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("kill %d: progress is not valid JSON: %v\n%s", i, err, data)
	}
	if string(raw["schema"]) != strconv.Itoa(SchemaVersion) {
		t.Fatalf("kill %d: schema is %s, want %d", i, raw["schema"], SchemaVersion)
	}
	if _, err := parse(data); err != nil {
		t.Fatalf("kill %d: parse: %v", i, err)
	}
}

func totalAttempts(st State) int {
	n := 0
	for _, l := range st.Levels {
		n += l.Attempts
	}
	return n
}
