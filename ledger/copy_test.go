package ledger

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

var copyBase = time.Date(2026, time.April, 1, 8, 0, 0, 654321000, time.UTC)

// fillLedger gives l two organisations' history: finished, held and
// running runs with reports and attempts, and synced, pending and disabled
// entries.
func fillLedger(t *testing.T, l Ledger) {
	t.Helper()
	ctx := t.Context()
	for i, org := range []string{"north", "south"} {
		first, err := l.StartRun(ctx, psync.Run{OrganizationID: org, Mode: "apply", Source: "roster.csv", StartedAt: copyBase.Add(time.Duration(i) * time.Second)})
		require.NoError(t, err)
		require.NoError(t, l.Commit(ctx, org, psync.Commit{
			Entry: &psync.Entry{ExternalUserID: "E1", ParchmentUserID: "pu-1", State: psync.StateSynced, Email: "e1@example.org",
				Fields: map[string]string{"email": "e1@example.org", "given_name": "Ada"}, UpdatedAt: copyBase},
			Attempts: []psync.Attempt{
				{RunID: first, Operation: "list", HTTPStatus: 200, RequestID: "req-l", Duration: 1500 * time.Microsecond, At: copyBase},
				{RunID: first, Operation: "create", ExternalUserID: "E1", HTTPStatus: 201, RequestID: "req-c", Duration: 20 * time.Millisecond, At: copyBase.Add(time.Millisecond)},
			},
		}))
		require.NoError(t, l.FinishRun(ctx, psync.Run{ID: first, OrganizationID: org, FinishedAt: copyBase.Add(time.Minute), Outcome: "partial",
			Counts:   psync.Counts{Create: 1, Failed: 1},
			Changes:  []psync.Change{{ExternalUserID: "E1", Line: 2, Action: psync.ActionCreate, Fields: []string{"email"}, ParchmentUserID: "pu-1", RequestID: "req-c"}},
			Failures: []psync.Failure{{ExternalUserID: "E2", Line: 3, Message: "refused", HTTPStatus: 422, RequestID: "req-f"}},
		}))

		second, err := l.StartRun(ctx, psync.Run{OrganizationID: org, Mode: "apply", Source: "roster.csv", StartedAt: copyBase.Add(time.Hour)})
		require.NoError(t, err)
		require.NoError(t, l.Commit(ctx, org, psync.Commit{
			Entry: &psync.Entry{ExternalUserID: "E3", ParchmentUserID: "pu-3", State: psync.StateSynced, Fields: map[string]string{},
				DisabledRunID: second, AbsentRuns: 2, UpdatedAt: copyBase.Add(time.Hour)},
			Attempts: []psync.Attempt{{RunID: second, Operation: "disable", ExternalUserID: "E3", Error: "timeout", Duration: time.Second, At: copyBase.Add(time.Hour)}},
		}))
		require.NoError(t, l.FinishRun(ctx, psync.Run{ID: second, OrganizationID: org, FinishedAt: copyBase.Add(2 * time.Hour), Outcome: "held",
			Error: "mass-leaver guard"}))

		plan, err := l.StartRun(ctx, psync.Run{OrganizationID: org, Mode: "plan", Source: "database", StartedAt: copyBase.Add(3 * time.Hour)})
		require.NoError(t, err)
		_ = plan // still running: copied without an end
		require.NoError(t, l.Commit(ctx, org, psync.Commit{
			Entry: &psync.Entry{ExternalUserID: "E4", State: psync.StatePending, Email: "e4@example.org",
				Fields: map[string]string{"email": "e4@example.org"}, UpdatedAt: copyBase.Add(3 * time.Hour)},
		}))
	}
}

// orgHistory is one organisation's ledger with run ids replaced by their
// position, oldest first, and times in UTC, so two ledgers compare.
type orgHistory struct {
	Runs     []psync.Run
	Attempts [][]psync.Attempt
	Entries  map[string]psync.Entry
}

func history(t *testing.T, l Ledger) map[string]orgHistory {
	t.Helper()
	ctx := t.Context()
	orgs, err := l.(*Store).organizations(ctx)
	require.NoError(t, err)
	out := map[string]orgHistory{}
	for _, org := range orgs {
		runs, err := l.Runs(ctx, RunFilter{OrganizationID: org, Limit: 1000})
		require.NoError(t, err)
		h := orgHistory{Entries: map[string]psync.Entry{}}
		position := map[int64]int64{}
		for i := len(runs) - 1; i >= 0; i-- {
			r := runs[i]
			position[r.ID] = int64(len(h.Runs) + 1)
			attempts, err := l.Attempts(ctx, r.ID)
			require.NoError(t, err)
			for j := range attempts {
				attempts[j].RunID = position[r.ID]
				attempts[j].At = attempts[j].At.UTC()
			}
			r.ID = position[r.ID]
			r.StartedAt = r.StartedAt.UTC()
			if !r.FinishedAt.IsZero() {
				r.FinishedAt = r.FinishedAt.UTC()
			}
			h.Runs = append(h.Runs, r)
			h.Attempts = append(h.Attempts, attempts)
		}
		entries, err := l.Entries(ctx, org)
		require.NoError(t, err)
		for id, e := range entries {
			if e.DisabledRunID != 0 {
				e.DisabledRunID = position[e.DisabledRunID]
				require.NotZero(t, e.DisabledRunID, "disabled by a run of its organisation")
			}
			e.UpdatedAt = e.UpdatedAt.UTC()
			h.Entries[id] = e
		}
		out[org] = h
	}
	return out
}

func newSQLite(t *testing.T) *Store {
	t.Helper()
	return openSQLiteAt(t, filepath.Join(t.TempDir(), "ledger.db"))
}

// A clinic group outgrows its SQLite file: everything moves to PostgreSQL,
// and back again, unchanged but for run ids.
func TestCopySQLiteToPostgresAndBack(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	lite := newSQLite(t)
	fillLedger(t, lite)
	// Ids in the destination differ from the source's.
	pg, _ := setup(t)
	_, err := pg.StartRun(ctx, psync.Run{OrganizationID: "elsewhere", Mode: "plan", Source: "roster.csv", StartedAt: copyBase})
	require.NoError(t, err)

	copied, err := Copy(ctx, lite, pg)
	require.NoError(t, err)
	require.Equal(t, []Copied{
		{OrganizationID: "north", Entries: 3, Runs: 3, Attempts: 3},
		{OrganizationID: "south", Entries: 3, Runs: 3, Attempts: 3},
	}, copied)
	want := history(t, lite)
	require.Len(t, want, 2)
	got := history(t, pg)
	delete(got, "elsewhere")
	require.Equal(t, want, got)

	back := newSQLite(t)
	_, err = Copy(ctx, pg, back)
	require.NoError(t, err)
	got = history(t, back)
	delete(got, "elsewhere")
	require.Equal(t, want, got)

	// The copy is a working ledger: the copied mapping still holds, and the
	// next apply marks the running one abandoned.
	e := psync.Entry{ExternalUserID: "E9", ParchmentUserID: "pu-1", State: psync.StateSynced}
	require.ErrorIs(t, pg.Commit(ctx, "north", psync.Commit{Entry: &e}), psync.ErrParchmentUserTaken)
	_, err = pg.StartRun(ctx, psync.Run{OrganizationID: "north", Mode: "apply", Source: "roster.csv"})
	require.NoError(t, err)
}

func TestCopyRefusesADestinationWithEntries(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	from, to := newSQLite(t), newSQLite(t)
	fillLedger(t, from)
	require.NoError(t, to.Commit(ctx, "south", psync.Commit{Entry: &psync.Entry{ExternalUserID: "X", State: psync.StatePending}}))

	copied, err := Copy(ctx, from, to)
	require.ErrorIs(t, err, ErrDestinationHasEntries)
	require.ErrorContains(t, err, "south")
	require.Empty(t, copied)
	require.Empty(t, must(to.Entries(ctx, "north")), "nothing was copied, north included")
	require.Empty(t, must(to.Runs(ctx, RunFilter{})))
}

func TestCopyWaitsForNoRun(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	from, to := newSQLite(t), newSQLite(t)
	fillLedger(t, from)

	unlock, err := from.Lock(ctx, "north")
	require.NoError(t, err)
	_, err = Copy(ctx, from, to)
	require.ErrorIs(t, err, psync.ErrLocked)
	require.NoError(t, unlock(ctx))

	unlock, err = to.Lock(ctx, "south")
	require.NoError(t, err)
	_, err = Copy(ctx, from, to)
	require.ErrorIs(t, err, psync.ErrLocked)
	require.NoError(t, unlock(ctx))

	_, err = Copy(ctx, from, to)
	require.NoError(t, err)
	// Copy let go of every lock.
	for _, l := range []Ledger{from, to} {
		unlock, err := l.Lock(ctx, "north")
		require.NoError(t, err)
		require.NoError(t, unlock(ctx))
	}
}

func TestCopyOfOneLedgerToItselfFails(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, path := openSQLiteTest(t)
	fillLedger(t, store)
	_, err := Copy(ctx, store, store)
	require.Error(t, err)
	// A second handle on the same file: the source's locks stop it.
	_, err = Copy(ctx, store, openSQLiteAt(t, path))
	require.ErrorIs(t, err, psync.ErrLocked)
	require.Len(t, must(store.Runs(ctx, RunFilter{})), 6)
}

func TestCopyOfAnEmptyLedger(t *testing.T) {
	t.Parallel()
	copied, err := Copy(t.Context(), newSQLite(t), newSQLite(t))
	require.NoError(t, err)
	require.Empty(t, copied)
}

// Postgres takes many organisations' locks on one connection: more than
// the pool holds must not hang Copy.
func TestCopyManyOrganisationsFromPostgres(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pg, _ := setup(t)
	const orgs = 40
	for i := range orgs {
		_, err := pg.StartRun(ctx, psync.Run{OrganizationID: "org-" + string(rune('A'+i/26)) + string(rune('a'+i%26)), Mode: "plan", Source: "roster.csv"})
		require.NoError(t, err)
	}
	to := newSQLite(t)
	copied, err := Copy(ctx, pg, to)
	require.NoError(t, err)
	require.Len(t, copied, orgs)
	require.Len(t, must(to.Runs(ctx, RunFilter{Limit: 100})), orgs)

	back, _ := setup(t)
	copied, err = Copy(ctx, to, back)
	require.NoError(t, err)
	require.Len(t, copied, orgs)
}
