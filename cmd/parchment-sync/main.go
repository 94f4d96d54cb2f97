// Command parchment-sync keeps a Parchment organisation's users in step with
// a clinic's staff roster.
package main

import (
	"context"
	"os"
	// TZ=Australia/Sydney must work in a container without zone files:
	// "today", for end dates, is the local date.
	_ "time/tzdata"

	"github.com/parchment-sync/parchment-sync/cmd/parchment-sync/cli"
)

func main() { os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
