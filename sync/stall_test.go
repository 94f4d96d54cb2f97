package sync_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// A server that sends its headers, then trickles the body, answers
// nothing: three such calls in a row abort the run as unreachable, and the
// run record says so without a secret.
func TestStalledBodiesAbortAsUnreachable(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	stall := httptest.NewServer(parchmenttest.Trickle(10 * time.Millisecond))
	t.Cleanup(stall.Close)
	api := f.client(func(c *parchment.Config) {
		c.BaseURL = stall.URL + "/external"
		c.CallTimeout, c.MaxAttempts = 50*time.Millisecond, 2
	})
	cfg := f.config(api)
	cfg.Redact = func(s string) string { return s + " (cleaned)" }
	started := time.Now()
	r, err := psync.Apply(context.Background(), cfg, adminRows(t, 20))
	var abort *psync.AbortError
	require.ErrorAs(t, err, &abort)
	require.Contains(t, err.Error(), "unreachable")
	require.Contains(t, err.Error(), "stalled")
	require.Less(t, r.Counts.Failed, 20, "the run stopped instead of waiting out every row")
	require.Less(t, time.Since(started), 10*time.Second)

	runs, err := f.store.Runs(context.Background(), ledger.RunFilter{OrganizationID: f.org, Limit: 1})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	require.Contains(t, runs[0].Error, "(cleaned)", "the run record's error passes the redactor")
}
