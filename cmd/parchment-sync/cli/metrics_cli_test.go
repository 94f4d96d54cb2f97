package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestApplyWritesMetricsAndJSONLogs(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(3))
	prom := filepath.Join(f.dir, "parchment-sync.prom")
	res := f.run("apply", "--csv", csv, "--rate", "500", "--metrics-file", prom)
	require.Equal(t, ExitOK, res.code, res.stderr)
	raw, err := os.ReadFile(prom)
	require.NoError(t, err)
	text := string(raw)
	for _, name := range []string{
		"parchment_sync_last_run_timestamp_seconds", "parchment_sync_last_success_timestamp_seconds",
		"parchment_sync_last_run_duration_seconds", "parchment_sync_last_run_exit_code",
		`parchment_sync_last_run_changes{action="create",organization="` + f.org + `"} 3`,
		`parchment_sync_last_run_requests{organization="` + f.org + `",status="201"} 3`,
	} {
		require.Contains(t, text, name)
	}

	// stderr is not a terminal here: logs are JSON lines, no progress drawn.
	for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &v), line)
	}
	require.NotContains(t, res.stderr, "\r")
}
