package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// runProgram runs model m on the terminal (or on in and out when set) until
// it quits or ctx ends, then calls stop. what names the screen in errors.
func runProgram(ctx context.Context, m tea.Model, in io.Reader, out io.Writer, noColor bool, stop func(), what string) error {
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if in != nil {
		popts = append(popts, tea.WithInput(in))
	}
	if out != nil {
		popts = append(popts, tea.WithOutput(out))
	}
	if noColor || os.Getenv("NO_COLOR") != "" {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	stop()
	if errors.Is(err, tea.ErrInterrupted) {
		return ErrInterrupted
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", what, err)
	}
	return nil
}
