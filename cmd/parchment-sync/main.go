// Command parchment-sync keeps a Parchment organisation's users in step with
// a clinic's staff roster.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/parchment-sync/parchment-sync/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
