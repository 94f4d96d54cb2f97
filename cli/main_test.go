package cli

import (
	"context"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"testing"
)

// childEnv makes the test binary act as parchment-sync itself, so tests can
// kill a real process mid-run.
const childEnv = "PARCHMENT_SYNC_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		args := os.Args[slices.Index(os.Args, "--")+1:]
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}
