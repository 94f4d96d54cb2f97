package cli

import (
	"context"
	"os"
	"slices"
	"testing"
)

// childEnv makes the test binary act as parchment-sync itself, so tests can
// kill a real process mid-run.
const childEnv = "PARCHMENT_SYNC_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		args := os.Args[slices.Index(os.Args, "--")+1:]
		os.Exit(Run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
