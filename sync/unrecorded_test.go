package sync_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// fullDisk is the real ledger, refusing every mapping once armed: what a
// full disk does to the write that follows a create.
type fullDisk struct {
	psync.Store
	armed atomic.Bool
}

func (d *fullDisk) Commit(ctx context.Context, org string, c psync.Commit) error {
	if d.armed.Load() && c.Entry != nil && c.Entry.State == psync.StateSynced {
		return errors.New("database or disk is full")
	}
	return d.Store.Commit(ctx, org, c)
}

// People sent but not recorded are counted as such, and the next run
// finds them by look-up and counts them as the creates they were.
func TestCreatesSentButNotRecordedAreRecoveredAsCreates(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	rows := rowsOf(t, people)
	disk := &fullDisk{Store: f.store}
	disk.armed.Store(true)
	cfg := f.config(f.client(nil))
	cfg.Store, cfg.Concurrency = disk, 1

	r, err := psync.Apply(context.Background(), cfg, rows)
	require.Error(t, err, "a ledger that cannot record stops the run")
	require.Equal(t, 1, r.Counts.Unrecorded)
	require.Equal(t, 1, r.Counts.Failed)
	require.Contains(t, r.Failures[0].Message, "could not record")

	second := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 4}, second.Counts, "the one made is recovered as its create, the rest created")
	require.Equal(t, 4, f.creates(), "never sent twice")
	f.requireOnePerPerson(rows)
}
