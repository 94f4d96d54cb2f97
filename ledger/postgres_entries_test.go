package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// The scan decodes raw column bytes itself: every column, NULL or not, and
// an entry written before digests were kept, must come out as written.
func TestPostgresScanDecodesEveryColumn(t *testing.T) {
	t.Parallel()
	p, _ := setup(t)
	kept := psync.FieldsDigest(map[string]string{"title": "Dr"})
	_, err := p.write.ExecContext(t.Context(), `
		INSERT INTO parchment_sync_entries
			(organization_id, external_user_id, parchment_user_id, state, fields, digest, disabled_run_id, absent_runs)
		VALUES ('o', 'old', 'P-old', 'synced', '{"given_name":"Al","email":"al@example.com"}', NULL, NULL, 0),
			('o', 'gone', 'P-gone', 'synced', '{}', $1, 9000000000, 3),
			('o', 'new', NULL, 'pending', '{}', $1, NULL, 0),
			('other', 'x', NULL, 'pending', '{}', $1, NULL, 0)`, kept)
	require.NoError(t, err)

	var got []psync.EntrySummary
	require.NoError(t, p.ScanEntries(t.Context(), "o", func(e psync.EntrySummary) error {
		got = append(got, e)
		return nil
	}))
	require.Equal(t, []psync.EntrySummary{
		{ExternalUserID: "gone", State: psync.StateSynced, Digest: kept, DisabledRunID: 9000000000, AbsentRuns: 3},
		// The kept digest is taken as it is, even where the fields say otherwise.
		{ExternalUserID: "new", State: psync.StatePending, Digest: kept},
		{ExternalUserID: "old", State: psync.StateSynced, Digest: psync.FieldsDigest(map[string]string{"given_name": "Al", "email": "al@example.com"})},
	}, scanAll(t, p, "o"))
}
