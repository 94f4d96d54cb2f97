package sync_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// scanCounter is the ledger, counting its reads of every entry.
type scanCounter struct {
	*ledger.Store
	scans atomic.Int32
}

func (s *scanCounter) ScanEntries(ctx context.Context, organizationID string, fn func(psync.EntrySummary) error) error {
	s.scans.Add(1)
	return s.Store.ScanEntries(ctx, organizationID, fn)
}

// onlyStore hides the ledger's saved index: every run reads the entries.
type onlyStore struct{ psync.Store }

// An apply that wrote the ledger saves its index; idle runs then read that
// instead of every entry, and decide exactly as from the entries. A write
// by anyone else moves the entries' version, and the next run reads the
// entries again.
func TestIdleNightReadsTheSavedIndex(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	store := &scanCounter{Store: f.store.(*ledger.Store)}
	people := rostertest.Staff(6)
	rows := rowsOf(t, people)
	run := func(mode psync.Mode, s psync.Store) *psync.Report {
		t.Helper()
		cfg := f.config(f.client(nil))
		cfg.Store = s
		do := psync.Apply
		if mode == psync.ModePlan {
			do = psync.Plan
		}
		r, err := do(t.Context(), cfg, rows)
		require.NoError(t, err)
		return r
	}

	first := run(psync.ModeApply, store)
	require.Equal(t, psync.Counts{Create: 6}, first.Counts)
	require.EqualValues(t, 2, store.scans.Swap(0), "read at the start, and after writing to save the index")

	idle := run(psync.ModeApply, store)
	require.Equal(t, psync.Counts{Unchanged: 6}, idle.Counts)
	require.Zero(t, store.scans.Swap(0), "an idle night reads the saved index")
	plan := run(psync.ModePlan, store)
	require.Equal(t, psync.Counts{Unchanged: 6}, plan.Counts)
	require.Zero(t, store.scans.Swap(0))
	scanned := run(psync.ModePlan, onlyStore{f.store})
	require.Equal(t, scanned.Fingerprints.Ledger, idle.Fingerprints.Ledger, "the saved index is the ledger as read")

	// Another writer disables someone the roster still lists.
	e := f.entry(people[2].ID)
	e.DisabledRunID = first.RunID
	require.NoError(t, f.store.Commit(t.Context(), f.org, psync.Commit{Entry: &e}))
	back := run(psync.ModeApply, store)
	require.Equal(t, psync.Counts{Enable: 1, Unchanged: 5}, back.Counts, "decided from the entries as written")
	require.EqualValues(t, 2, store.scans.Swap(0))
	require.Equal(t, psync.Counts{Unchanged: 6}, run(psync.ModeApply, store).Counts)
	require.Zero(t, store.scans.Load())
}
