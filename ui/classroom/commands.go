package classroom

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// role is who a session authenticated as.
type role int

const (
	roleLearner role = iota
	roleInstructor
)

// String implements fmt.Stringer.
func (r role) String() string { return [...]string{"learner", "instructor"}[r] }

// command is one parsed scriptable command.
type command struct {
	name string
	// role is who may run it.
	role role
	// level is N of start, check and reset; learner is NAME of reset.
	level   int
	learner string
	asJSON  bool
	format  ExportFormat
	// text is broadcast's message.
	text string
	yes  bool
}

// commandSpec describes one command: who runs it, its positional
// arguments and the flags it takes.
type commandSpec struct {
	role  role
	usage string
	args  int // -1: the rest of the line is one text
	flags []string
}

// commandSpecs are every scriptable command.
var commandSpecs = map[string]commandSpec{
	"kubeconfig": {roleLearner, "kubeconfig", 0, nil},
	"start":      {roleLearner, "start N", 1, nil},
	"check":      {roleLearner, "check N [--json]", 1, []string{"json"}},
	"progress":   {roleLearner, "progress [--json]", 0, []string{"json"}},
	"status":     {roleInstructor, "status [--json]", 0, []string{"json"}},
	"export":     {roleInstructor, "export --format csv|json", 0, []string{"format"}},
	"broadcast":  {roleInstructor, "broadcast TEXT", -1, nil},
	"reset":      {roleInstructor, "reset NAME LEVEL", 2, nil},
	"end":        {roleInstructor, "end --yes", 0, []string{"yes"}},
}

// errUsage marks an error in how a command was called (exit status 2).
var errUsage = errors.New("usage")

// maxBroadcast bounds a broadcast, which shows as one banner line.
const maxBroadcast = 200

// parseCommand parses the command line of an SSH session without a terminal.
func parseCommand(args []string) (command, error) {
	if len(args) == 0 {
		return command{}, usageErr("no command given")
	}
	spec, ok := commandSpecs[args[0]]
	if !ok {
		return command{}, usageErr("unknown command %q", args[0])
	}
	c := command{name: args[0], role: spec.role}
	if spec.args < 0 {
		return c, c.setText(args[1:])
	}
	pos, err := c.parseFlags(spec, args[1:])
	if err != nil {
		return command{}, err
	}
	if len(pos) != spec.args {
		return command{}, usageErr("%s takes %d argument(s), got %d: usage: %s", c.name, spec.args, len(pos), spec.usage)
	}
	return c, c.setArgs(pos)
}

// parseFlags sets c's flags from args and returns the positional arguments.
func (c *command) parseFlags(spec commandSpec, args []string) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !slices.Contains(spec.flags, name) {
			return nil, usageErr("%s has no flag %s: usage: %s", c.name, a, spec.usage)
		}
		if name == "format" && !hasValue {
			if i+1 == len(args) {
				return nil, usageErr("flag --format needs a value: csv or json")
			}
			i++
			value, hasValue = args[i], true
		}
		if err := c.setFlag(name, value, hasValue); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// setFlag sets one flag.
func (c *command) setFlag(name, value string, hasValue bool) error {
	switch name {
	case "format":
		f := ExportFormat(value)
		if f != ExportCSV && f != ExportJSON {
			return usageErr("flag --format: %q is not csv or json", value)
		}
		c.format = f
		return nil
	}
	b := true
	if hasValue {
		var err error
		if b, err = strconv.ParseBool(value); err != nil {
			return usageErr("flag --%s: %q is not true or false", name, value)
		}
	}
	if name == "json" {
		c.asJSON = b
	} else {
		c.yes = b
	}
	return nil
}

// setArgs checks and sets the positional arguments and required flags.
func (c *command) setArgs(pos []string) error {
	switch c.name {
	case "start", "check":
		return c.setLevel(pos[0])
	case "reset":
		c.learner = pos[0]
		return c.setLevel(pos[1])
	case "export":
		if c.format == "" {
			return usageErr("export needs --format csv or --format json")
		}
	case "end":
		if !c.yes {
			return usageErr("end removes every learner's namespace and identity: run `end --yes` to do it")
		}
	}
	return nil
}

// setLevel parses a level number.
func (c *command) setLevel(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return usageErr("%s: level %q is not a level number such as 30", c.name, s)
	}
	c.level = n
	return nil
}

// setText sets broadcast's message: the rest of the line, printable, at
// most maxBroadcast characters, so it cannot smuggle terminal escapes into
// every learner's screen.
func (c *command) setText(words []string) error {
	c.text = strings.TrimSpace(strings.Join(words, " "))
	switch {
	case c.text == "":
		return usageErr("broadcast needs a message: usage: broadcast TEXT")
	case len([]rune(c.text)) > maxBroadcast:
		return usageErr("broadcast: the message has %d characters, at most %d fit on the banner", len([]rune(c.text)), maxBroadcast)
	}
	for _, r := range c.text {
		if !unicode.IsPrint(r) {
			return usageErr("broadcast: the message holds the control character %q; send plain text", r)
		}
	}
	return nil
}

// usageErr is a usage error with a message.
func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// commandsHelp lists the commands a role may run.
func commandsHelp(r role) string {
	var lines []string
	for _, name := range []string{"kubeconfig", "start", "check", "progress", "status", "export", "broadcast", "reset", "end"} {
		if s := commandSpecs[name]; s.role == r {
			lines = append(lines, "  "+s.usage)
		}
	}
	return strings.Join(lines, "\n")
}
