package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
)

// Exit codes are operators' scripts' contract: each severity has its own.
func TestExitCodeOfEachSeverity(t *testing.T) {
	t.Parallel()
	for s, want := range map[fleet.Severity]int{
		fleet.OK: 0, fleet.RowsFailed: 1, fleet.Usage: 2, fleet.Aborted: 3, fleet.Held: 4, fleet.Locked: 75,
	} {
		require.Equal(t, want, exitCode(s), "%s", s)
	}
}
