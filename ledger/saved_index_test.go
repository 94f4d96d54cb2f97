package ledger

import (
	"bytes"
	"testing"

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
