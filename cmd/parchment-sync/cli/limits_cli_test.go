package cli

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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

func TestMaxRetryAfterMustBePositive(t *testing.T) {
	t.Parallel()
	h := setupHostile(t, http.NotFoundHandler())
	res := h.apply(1, "--max-retry-after", "0s")
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "--max-retry-after must be above 0")
}
