// Command k8squest is a terminal game that teaches Kubernetes by breaking a
// real cluster and having the player fix it with kubectl.
package main

import (
	"context"
	"io"
	"log"
	"os"
)

func init() {
	// Without --debug, log lines go nowhere: the terminal belongs to the game.
	log.SetOutput(io.Discard)
}

func main() {
	ctx, stop := signalContext(context.Background())
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(finish(ctx, err, os.Stderr))
}
