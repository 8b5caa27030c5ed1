// Command httpecho is the harness's stand-in for hashicorp/http-echo: it
// answers every HTTP request with the -text given, on the -listen address
// (default :5678), and exits on SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", ":5678", "address and port to listen on")
	text := flag.String("text", "", "text to answer with")
	flag.Parse()
	if *text == "" {
		fmt.Fprintln(os.Stderr, "httpecho: -text is required")
		os.Exit(127)
	}
	srv := &http.Server{
		Addr:              *listen,
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintln(w, *text)
		}),
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	log.Printf("httpecho: listening on %s", *listen)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatalf("httpecho: %v", err)
	}
}
