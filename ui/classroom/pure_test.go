package classroom

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"
)

func TestValidLearner(t *testing.T) {
	for name, want := range map[string]string{
		"alice":                   "",
		"a-1":                     "",
		"7":                       "",
		strings.Repeat("b", 60):   "",
		strings.Repeat("b", 61):   "at most 60 fit",
		"":                        "is empty",
		"Bob":                     `(try "bob")`,
		"bob-":                    "must start and end",
		"bob.smith":               `'.' is not allowed`,
		"instructor":              "the instructor's",
		"zoë":                     `'ë' is not allowed`,
		strings.Repeat("c", 64):   "a DNS label has at most 63",
		"-":                       "must start and end",
		"UPPER_CASE":              `'U' is not allowed`,
		"has space":               `' ' is not allowed`,
		"x;rm -rf":                `';' is not allowed`,
		"\x1b[31mred":             "is not allowed",
		"ok-name-with-digits-123": "",
	} {
		err := ValidLearner("ws", name)
		if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("ValidLearner(%q) = %v, want %q", name, err, want)
		}
	}
}

func TestValidWorkshop(t *testing.T) {
	if err := ValidWorkshop("k8s-101"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "K8s", strings.Repeat("w", 62)} {
		if ValidWorkshop(bad) == nil {
			t.Errorf("ValidWorkshop(%q) passed", bad)
		}
	}
}

func TestParseCommand(t *testing.T) {
	for line, want := range map[string]command{
		"check 30 --json":          {name: "check", role: roleLearner, level: 30, asJSON: true},
		"check --json=false 30":    {name: "check", role: roleLearner, level: 30},
		"progress --json":          {name: "progress", role: roleLearner, asJSON: true},
		"export --format csv":      {name: "export", role: roleInstructor, format: ExportCSV},
		"export --format=json":     {name: "export", role: roleInstructor, format: ExportJSON},
		"broadcast  take  a break": {name: "broadcast", role: roleInstructor, text: "take a break"},
		"reset alice 30":           {name: "reset", role: roleInstructor, learner: "alice", level: 30},
		"end --yes":                {name: "end", role: roleInstructor, yes: true},
	} {
		got, err := parseCommand(strings.Fields(line))
		if err != nil || got != want {
			t.Errorf("parseCommand(%q) = %+v, %v; want %+v", line, got, err, want)
		}
	}
	for line, want := range map[string]string{
		"":                        "no command given",
		"end":                     "run `end --yes`",
		"export":                  "export needs --format",
		"export --format xml":     `"xml" is not csv or json`,
		"export --format":         "needs a value",
		"start 0":                 "not a level number",
		"start 30 31":             "takes 1 argument(s), got 2",
		"broadcast":               "needs a message",
		"broadcast \x1b[2J":       "control character",
		"progress --json=perhaps": "not true or false",
		"sh -c id":                `unknown command "sh"`,
	} {
		_, err := parseCommand(strings.Fields(line))
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), want) {
			t.Errorf("parseCommand(%q) = %v, want a usage error with %q", line, err, want)
		}
	}
	if _, err := parseCommand([]string{"broadcast", strings.Repeat("x", maxBroadcast+1)}); !errors.Is(err, errUsage) {
		t.Errorf("an over-long broadcast passed: %v", err)
	}
}

// TestLimiter: the burst, then one try per refill; other addresses are
// not affected; a full bucket is forgotten when the limiter is full.
func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	l := newLimiter(3, 10*time.Second, 2)
	for range 3 {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatal("refused within the burst")
		}
		l.fail("a", t0)
	}
	if ok, wait := l.allow("a", t0); ok || wait != 10*time.Second {
		t.Fatalf("after the burst: allow = %t, wait %s; want refused for 10s", ok, wait)
	}
	if ok, wait := l.allow("a", t0.Add(4*time.Second)); ok || wait != 6*time.Second {
		t.Fatalf("4s later: allow = %t, wait %s; want 6s more", ok, wait)
	}
	if ok, _ := l.allow("b", t0); !ok {
		t.Fatal("another address was refused")
	}
	t1 := t0.Add(10 * time.Second)
	if ok, _ := l.allow("a", t1); !ok {
		t.Fatal("refused after a refill")
	}
	l.fail("a", t1)
	if ok, _ := l.allow("a", t1); ok {
		t.Fatal("a second try within one refill was allowed")
	}
	l.fail("b", t1)
	l.fail("c", t1.Add(time.Hour)) // the limiter holds 2: a and b, full again by then, are forgotten
	if _, ok := l.buckets["c"]; !ok || len(l.buckets) != 1 {
		t.Fatalf("buckets after pruning = %v", l.buckets)
	}
}

func TestCodeMatches(t *testing.T) {
	code, err := NewJoinCode()
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 14 || strings.Count(code, "-") != 2 {
		t.Fatalf("NewJoinCode = %q", code)
	}
	other, _ := NewJoinCode()
	if other == code {
		t.Fatal("two join codes alike")
	}
	for answer, want := range map[string]bool{
		code:                  true,
		strings.ToLower(code): true,
		" " + strings.ReplaceAll(code, "-", "") + "\n": true,
		code[:13]:  false,
		code + "X": false,
		"":         false,
	} {
		if got := codeMatches(code, answer); got != want {
			t.Errorf("codeMatches(%q, %q) = %t", code, answer, got)
		}
	}
	if validJoinCode("abc") == nil {
		t.Error("a 3-character join code was accepted")
	}
}

// TestReadKeys: an authorized_keys file with comments and options is read;
// a bad line is an error naming the file and line; the default set reads
// id_*.pub and authorized_keys, and says what to do when there is none.
func TestReadKeys(t *testing.T) {
	home := t.TempDir()
	ssh := filepath.Join(home, ".ssh")
	if err := os.Mkdir(ssh, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := DefaultInstructorKeys(home); err == nil || !strings.Contains(err.Error(), "ssh-keygen") {
		t.Fatalf("no keys: %v", err)
	}
	a, b := newKey(t).PublicKey(), newKey(t).PublicKey()
	write := func(name, text string) string {
		p := filepath.Join(ssh, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("id_ed25519.pub", string(gossh.MarshalAuthorizedKey(a)))
	auth := write("authorized_keys", "# the laptop\n\nno-pty "+string(gossh.MarshalAuthorizedKey(b)))
	set, err := DefaultInstructorKeys(home)
	if err != nil || !set.Contains(a) || !set.Contains(b) || set.Len() != 2 {
		t.Fatalf("default keys = %v, %v", set, err)
	}
	if got, err := ReadKeys(auth); err != nil || got.Contains(a) || !got.Contains(b) {
		t.Fatalf("ReadKeys = %v, %v", got, err)
	}
	write("authorized_keys", "ssh-ed25519 not-base64\n")
	if _, err := ReadKeys(auth); err == nil || !strings.Contains(err.Error(), auth+" line 1") {
		t.Fatalf("bad line: %v", err)
	}
	write("authorized_keys", "# nothing\n")
	if _, err := ReadKeys(auth); err == nil || !strings.Contains(err.Error(), "holds no public key") {
		t.Fatalf("empty file: %v", err)
	}
}

// TestConfigValidate: every bad field is named, all at once.
func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Listen, cfg.Workshop, cfg.JoinCode, cfg.MaxSessions, cfg.IdleTimeout = "2222", "Bad", "x", 0, -time.Second
	err := cfg.Validate()
	for _, want := range []string{`listen address "2222"`, `workshop name "Bad"`, `join code "x"`, "instructor keys", "Learners and Instructor", "maximum sessions: 0", "idle timeout: -1s"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %q", err, want)
		}
	}
}

// TestFilterMsg: a window of no size becomes 80×24; a suspend resumes at
// once; other messages pass.
func TestFilterMsg(t *testing.T) {
	for in, want := range map[tea.Msg]tea.Msg{
		tea.WindowSizeMsg{}:                       tea.WindowSizeMsg{Width: 80, Height: 24},
		tea.WindowSizeMsg{Width: 120}:             tea.WindowSizeMsg{Width: 80, Height: 24},
		tea.WindowSizeMsg{Width: 120, Height: 40}: tea.WindowSizeMsg{Width: 120, Height: 40},
		tea.SuspendMsg{}:                          tea.ResumeMsg{},
		tea.KeyPressMsg{Code: 'q', Text: "q"}:     tea.KeyPressMsg{Code: 'q', Text: "q"},
	} {
		if got := filterMsg(nil, in); got != want {
			t.Errorf("filterMsg(%#v) = %#v, want %#v", in, got, want)
		}
	}
}
