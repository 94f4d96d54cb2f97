package cli

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// A server asking to wait 11.6 days ends the run at once as unreachable,
// instead of holding the organisation until every later night exits 75.
func TestRetryAfterBeyondTheCapEndsTheRun(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := setupHostile(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "999999")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	started := time.Now()
	res := h.apply(5, "--output", "json", "--concurrency", "1")
	require.Less(t, time.Since(started), 10*time.Second)
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.Contains(t, res.stderr, "Retry-After: 999999")
	require.Contains(t, res.stderr, "--max-retry-after")
	require.Contains(t, decodeReport(t, res.stdout)["error"], "Retry-After: 999999")
	require.EqualValues(t, 1, calls.Load(), "nothing more is sent")
}

// Three calls whose bodies stall past --call-timeout got no answer: the
// run ends as unreachable instead of spending the timeout on every row.
func TestStalledBodiesEndTheRunAsUnreachable(t *testing.T) {
	t.Parallel()
	h := setupHostile(t, parchmenttest.Trickle(20*time.Millisecond))
	res := h.apply(20, "--output", "json", "--call-timeout", "100ms", "--concurrency", "3")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.Contains(t, res.stderr, "unreachable")
	require.Contains(t, res.stderr, "stalled")
	report := decodeReport(t, res.stdout)
	require.Less(t, report["counts"].(map[string]any)["failed"], 20.0, "the run stopped instead of going row by row")
	_, attempts := h.attempts()
	require.NotEmpty(t, attempts)
	for _, a := range attempts {
		require.Zero(t, a.HTTPStatus, "a stalled answer is recorded as none")
		require.Less(t, a.Duration, 2*time.Second)
	}
}

func TestCallLimitsMustBePositive(t *testing.T) {
	t.Parallel()
	h := setupHostile(t, http.NotFoundHandler())
	for flag, example := range map[string]string{"--call-timeout": "30s", "--max-retry-after": "5m0s"} {
		res := h.apply(1, flag, "0s")
		require.Equal(t, ExitUsage, res.code, res.stderr)
		require.Contains(t, res.stderr, flag+" must be above 0, such as "+example)
	}
}
