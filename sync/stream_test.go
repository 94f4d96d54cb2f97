package sync_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// entryReads counts the whole entries the engine reads from a real ledger.
type entryReads struct {
	ledger.Ledger
	n atomic.Int64
}

func (s *entryReads) Entry(ctx context.Context, org, id string) (psync.Entry, bool, error) {
	s.n.Add(1)
	return s.Ledger.Entry(ctx, org, id)
}

// countedReads is rows that count how often they are read.
type countedReads struct {
	rows  psync.RowSlice
	reads int
}

func (c *countedReads) Each(ctx context.Context, fn func(*mapping.Row) error) error {
	c.reads++
	return c.rows.Each(ctx, fn)
}

func TestUnchangedRowsReadNoEntry(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(20)
	f.apply(rowsOf(t, people))

	store := &entryReads{Ledger: f.store}
	cfg := f.config(f.client(nil))
	cfg.Store = store
	src := &countedReads{rows: rowsOf(t, people)}
	r, err := psync.ApplyRows(context.Background(), cfg, src)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 20}, r.Counts)
	require.Zero(t, store.n.Load(), "an idle run reads no entry whole")

	people[3].Family = "Moved"
	src = &countedReads{rows: rowsOf(t, people)}
	r, err = psync.ApplyRows(context.Background(), cfg, src)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Update: 1, Unchanged: 19}, r.Counts)
	require.EqualValues(t, 1, store.n.Load(), "only the changed person's entry is read")
	require.Equal(t, 2, src.reads, "the roster is read twice, never held")
}

func TestRepeatedIDOfAnUnchangedRowHoldsBoth(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	f.apply(rowsOf(t, people))

	// The roster has the same person twice: neither row is trusted, even
	// the one the ledger already holds unchanged.
	rows := rowsOf(t, people)
	twin := rows[1]
	twin.Line = 99
	twin.Record.Email = "twin@clinic.example"
	twin.Record.HPIINumber = ""
	rows = append(rows, twin)
	r, err := psync.Plan(context.Background(), f.config(nil), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 3, Invalid: 2}, r.Counts)
	require.Len(t, r.Failures, 2)
	for _, fl := range r.Failures {
		require.Equal(t, mapping.FieldExternalUserID, fl.Field)
		require.Contains(t, fl.Message, "is also used on line")
	}
}

func TestEntryWithoutDigestIsComparedByFields(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	rows := rowsOf(t, people)
	f.apply(rows)
	// As written before the ledger kept digests.
	conn, err := pgx.Connect(context.Background(), f.url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	tag, err := conn.Exec(context.Background(), `UPDATE parchment_sync_entries SET digest = NULL WHERE organization_id = $1`, f.org)
	require.NoError(t, err)
	require.EqualValues(t, 3, tag.RowsAffected())

	r, err := psync.Plan(context.Background(), f.config(nil), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 3}, r.Counts)
	people[0].Given = "Renamed"
	r, err = psync.Plan(context.Background(), f.config(nil), rowsOf(t, people))
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Update: 1, Unchanged: 2}, r.Counts)
}
