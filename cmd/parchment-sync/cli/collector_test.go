package cli

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// Not parallel: the collector's settings are the process's, and the
// parallel tests' runs set them too.
func TestOneShotRunTunesTheCollectorUnlessTheEnvironmentDoes(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		a := &app{getenv: func(k string) string { return map[string]string{name: "200"}[k] }}
		a.tuneCollector()
		require.Equal(t, 100, debug.SetGCPercent(100), "%s set: left alone", name)
		require.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(math.MaxInt64))
	}
	(&app{getenv: func(string) string { return "" }}).tuneCollector()
	require.Equal(t, oneShotGCPercent, debug.SetGCPercent(100))
	require.Equal(t, int64(oneShotMemoryLimit), debug.SetMemoryLimit(math.MaxInt64))
}
