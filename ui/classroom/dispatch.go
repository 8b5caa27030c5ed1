package classroom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// runCommand runs one scriptable command and returns its exit status: 0
// done, 1 failed (or checks not passing), 2 bad usage.
func (s *Server) runCommand(st *session, args []string) int {
	out, errOut := io.Writer(st.sess), st.sess.Stderr()
	c, err := parseCommand(args)
	if err != nil {
		fmt.Fprintf(errOut, "k8squest: %s\ncommands:\n%s\n", strings.TrimPrefix(err.Error(), errUsage.Error()+": "), commandsHelp(st.role))
		return 2
	}
	if c.role != st.role {
		fmt.Fprintf(errOut, "k8squest: %s\n", refusal(c, st))
		return 1
	}
	s.cfg.Log.Info("command", "role", st.role, "name", st.name, "command", c.name)
	var passed bool
	if st.role == roleInstructor {
		passed, err = true, s.instructorCommand(st.ctx, c, out)
	} else {
		passed, err = s.learnerCommand(st.ctx, st.name, c, out)
	}
	return exitStatus(errOut, passed, err)
}

// refusal says why a command is not for this session's role.
func refusal(c command, st *session) string {
	if c.role == roleInstructor {
		return fmt.Sprintf("%s is the instructor's command, and you are logged in as learner %q", c.name, st.name)
	}
	return fmt.Sprintf("%s is a learner's command; as the instructor, use status, export, broadcast, reset or end", c.name)
}

// learnerCommand runs a learner's command.
func (s *Server) learnerCommand(ctx context.Context, name string, c command, out io.Writer) (bool, error) {
	l := s.cfg.Learners
	switch c.name {
	case "kubeconfig":
		return true, l.Kubeconfig(ctx, name, out)
	case "start":
		return true, l.Start(ctx, name, c.level, out)
	case "check":
		return l.Check(ctx, name, c.level, c.asJSON, out)
	case "progress":
		return true, l.Progress(ctx, name, c.asJSON, out)
	}
	return false, fmt.Errorf("command %s: not a learner's command", c.name)
}

// instructorCommand runs one of the instructor's commands.
func (s *Server) instructorCommand(ctx context.Context, c command, out io.Writer) error {
	in := s.cfg.Instructor
	switch c.name {
	case "status":
		return in.Status(ctx, c.asJSON, out)
	case "export":
		return in.Export(ctx, c.format, out)
	case "broadcast":
		if err := in.Broadcast(ctx, c.text); err != nil {
			return err
		}
		_, err := fmt.Fprintf(out, "broadcast to workshop %s: %s\n", s.cfg.Workshop, c.text)
		return err
	case "reset":
		if !s.roster.Has(c.learner) {
			return fmt.Errorf("reset: no learner %q has joined workshop %s", c.learner, s.cfg.Workshop)
		}
		return in.Reset(ctx, c.learner, c.level)
	case "end":
		return in.End(ctx, out)
	}
	return fmt.Errorf("command %s: not an instructor's command", c.name)
}

// exitStatus reports err on errOut and turns the outcome into a status.
func exitStatus(errOut io.Writer, passed bool, err error) int {
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(errOut, "k8squest: the session ended before the command finished")
		return 1
	case err != nil:
		fmt.Fprintf(errOut, "k8squest: %v\n", err)
		return 1
	case !passed:
		return 1
	}
	return 0
}
