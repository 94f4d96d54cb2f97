package cli

import (
	"testing"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/stretchr/testify/require"
)

// Through the command: refused with exit 2, naming both variables,
// before the worker connects to anything.
func TestWorkerRefusesOpenUIOffLoopback(t *testing.T) {
	t.Parallel()
	f := &fixture{t: t}
	for _, vars := range []map[string]string{nil, {fleet.EnvUIUsername: "ops"}} {
		res := f.runWith(vars, "worker", "--config", "clinics.yaml", "--ui", "0.0.0.0:8081")
		require.Equal(t, ExitUsage, res.code, res.stderr)
		require.Contains(t, res.stderr, "PARCHMENT_UI_USERNAME and PARCHMENT_UI_PASSWORD")
	}
}
