package ledger

import (
	"bytes"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// A write the store did not make, an edit by hand, still forgets the
// organisation's saved index and moves its version; so does forging the
// version back, which cannot bring a forgotten index back.
func TestSavedIndexForgottenByAnyWrite(t *testing.T) {
	t.Parallel()
	sqlite, _ := openSQLiteTest(t)
	pg, _ := setup(t)
	for name, s := range map[string]*Store{"sqlite": sqlite, "postgres": pg} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			require.NoError(t, s.Commit(ctx, "org", psync.Commit{Entry: &psync.Entry{
				ExternalUserID: "E1", ParchmentUserID: "P1", State: psync.StateSynced, Email: "e1@example.com",
			}}))
			require.NoError(t, s.Commit(ctx, "other", psync.Commit{Entry: &psync.Entry{
				ExternalUserID: "E1", ParchmentUserID: "P1", State: psync.StateSynced, Email: "e1@example.com",
			}}))
			save := func(org string) int64 {
				t.Helper()
				v, _ := readSavedIndex(t, s, org)
				require.NoError(t, s.SaveIndex(ctx, org, v, []byte("index")))
				_, got := readSavedIndex(t, s, org)
				require.Equal(t, []byte("index"), got)
				return v
			}
			requireForgotten := func(org string, before int64, what string) {
				t.Helper()
				v, got := readSavedIndex(t, s, org)
				require.Nil(t, got, what)
				require.NotEqual(t, before, v, what)
			}

			v := save("org")
			save("other")
			_, err := s.write.ExecContext(ctx, `UPDATE parchment_sync_entries SET email = 'hand@example.com' WHERE organization_id = 'org'`)
			require.NoError(t, err)
			requireForgotten("org", v, "an edit by hand")
			_, got := readSavedIndex(t, s, "other")
			require.Equal(t, []byte("index"), got, "another organisation's stays")

			v = save("org")
			_, err = s.write.ExecContext(ctx, `DELETE FROM parchment_sync_entries WHERE organization_id = 'org'`)
			require.NoError(t, err)
			requireForgotten("org", v, "a delete by hand")
			_, err = s.write.ExecContext(ctx, `DELETE FROM parchment_sync_entry_versions WHERE organization_id = 'org'`)
			require.NoError(t, err)
			v, got = readSavedIndex(t, s, "org")
			require.Zero(t, v)
			require.Nil(t, got, "a forged version finds nothing saved")
		})
	}
}

func TestSavedIndexForgottenByTruncate(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := t.Context()
	require.NoError(t, s.Commit(ctx, "org", psync.Commit{Entry: &psync.Entry{
		ExternalUserID: "E1", ParchmentUserID: "P1", State: psync.StateSynced, Email: "e1@example.com",
	}}))
	v, _ := readSavedIndex(t, s, "org")
	require.NoError(t, s.SaveIndex(ctx, "org", v, []byte("index")))
	_, err := s.write.ExecContext(ctx, `TRUNCATE parchment_sync_entries CASCADE`)
	require.NoError(t, err)
	_, got := readSavedIndex(t, s, "org")
	require.Nil(t, got)
}

func readSavedIndex(t *testing.T, s *Store, organizationID string) (version int64, index []byte) {
	t.Helper()
	require.NoError(t, s.SavedIndex(t.Context(), organizationID, func(v int64, saved []byte) error {
		version, index = v, bytes.Clone(saved)
		return nil
	}))
	return version, index
}

// A write to one ledger's entries from a session whose search_path names
// another ledger's schema moves the written ledger's version, not the
// other's; a TRUNCATE moves every version, so a save racing it is never
// read; a transaction writing many entries moves the version once.
func TestPostgresVersionsFollowTheWrittenSchema(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, _ := setup(t)
	b, _ := setup(t)
	entry := &psync.Entry{ExternalUserID: "E1", ParchmentUserID: "P1", State: psync.StateSynced, Email: "e1@example.com"}
	for _, s := range []*Store{a, b} {
		require.NoError(t, s.Commit(ctx, "org", psync.Commit{Entry: entry}))
		v, _ := readSavedIndex(t, s, "org")
		require.NoError(t, s.SaveIndex(ctx, "org", v, []byte("index")))
	}
	var schemaA string
	require.NoError(t, a.read.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schemaA))

	_, err := b.write.ExecContext(ctx, `UPDATE `+pgx.Identifier{schemaA, "parchment_sync_entries"}.Sanitize()+` SET email = 'hand@example.com'`)
	require.NoError(t, err)
	_, got := readSavedIndex(t, a, "org")
	require.Nil(t, got, "the written ledger's index is forgotten")
	_, got = readSavedIndex(t, b, "org")
	require.Equal(t, []byte("index"), got, "the session's own ledger is untouched")

	v, _ := readSavedIndex(t, b, "org")
	_, err = b.write.ExecContext(ctx, `TRUNCATE parchment_sync_entries CASCADE`)
	require.NoError(t, err)
	require.NoError(t, b.SaveIndex(ctx, "org", v, []byte("made before the truncate")))
	after, got := readSavedIndex(t, b, "org")
	require.Greater(t, after, v, "a truncate moves the version")
	require.Nil(t, got)

	before, _ := readSavedIndex(t, a, "org")
	_, err = a.write.ExecContext(ctx, `
		INSERT INTO parchment_sync_entries (organization_id, external_user_id, state, created_at, updated_at)
		SELECT 'org', 'P' || n, 'pending', now(), now() FROM generate_series(1, 5000) AS n`)
	require.NoError(t, err)
	after, _ = readSavedIndex(t, a, "org")
	require.Equal(t, before+1, after, "one transaction moves the version once")
}
