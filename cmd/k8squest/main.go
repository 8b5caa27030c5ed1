// Command k8squest is a terminal game that teaches Kubernetes by breaking a
// real cluster and having the player fix it with kubectl.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
)

func init() {
	// Without --debug, log lines go nowhere: the terminal belongs to the game.
	log.SetOutput(io.Discard)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		var quiet exitError
		if !errors.As(err, &quiet) {
			fmt.Fprintln(os.Stderr, "k8squest:", err)
		}
		stop()
		os.Exit(exitCode(err))
	}
}
