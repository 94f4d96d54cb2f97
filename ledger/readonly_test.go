package ledger

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/dirtest"
	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestReadOnlySQLiteRefusesAMissingLedgerAndCreatesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "typo.db")
	_, err := Open(t.Context(), "sqlite:"+path, nil, ReadOnly())
	require.ErrorIs(t, err, ErrNoLedger)
	_, err = os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestReadOnlySQLiteReadsACopyInAReadOnlyFolder(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	id, err := store.StartRun(t.Context(), psync.Run{OrganizationID: "org-1", Mode: "apply", StartedAt: time.Now(), Outcome: psync.OutcomeRunning})
	require.NoError(t, err)
	store.Close()
	dirtest.ReadOnly(t, filepath.Dir(path))
	before, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)

	ro, err := Open(t.Context(), "sqlite:"+path, nil, ReadOnly())
	require.NoError(t, err)
	runs, err := ro.Runs(t.Context(), RunFilter{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	require.Equal(t, id, runs[0].ID)
	_, err = ro.Lock(t.Context(), "org-1")
	require.Error(t, err)
	_, err = ro.StartRun(t.Context(), psync.Run{OrganizationID: "org-1", Mode: "plan", StartedAt: time.Now()})
	require.Error(t, err, "a read-only ledger takes no write")
	ro.Close()
	after, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Equal(t, len(before), len(after), "nothing was added to the folder")
}

func TestReadOnlySQLiteRefusesAnOlderSchemaNamingTheMigrations(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	store.Close()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`DELETE FROM ` + versionTable + ` WHERE version_id = 6`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = Open(t.Context(), "sqlite:"+path, nil, ReadOnly())
	var schema *SchemaError
	require.True(t, errors.As(err, &schema), "%v", err)
	require.Equal(t, []string{"00006_saved_indexes.sql"}, schema.Pending)
	require.Contains(t, err.Error(), "apply or ledger migrate will run 00006_saved_indexes.sql")
}

func TestReadOnlyPostgresWritesNothing(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	_, err := Open(t.Context(), url, nil, ReadOnly())
	require.ErrorIs(t, err, ErrNoLedger, "an empty schema is no ledger yet, and stays empty")
	_, err = Open(t.Context(), url, nil, ReadOnly())
	require.ErrorIs(t, err, ErrNoLedger)

	store := open(t, url)
	_, err = store.StartRun(t.Context(), psync.Run{OrganizationID: "org-1", Mode: "apply", StartedAt: time.Now(), Outcome: psync.OutcomeRunning})
	require.NoError(t, err)
	ro, err := Open(t.Context(), url, nil, ReadOnly())
	require.NoError(t, err)
	t.Cleanup(ro.Close)
	runs, err := ro.Runs(t.Context(), RunFilter{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	_, err = ro.StartRun(t.Context(), psync.Run{OrganizationID: "org-1", Mode: "plan", StartedAt: time.Now()})
	require.ErrorContains(t, err, "read-only")
	_, err = ro.Lock(t.Context(), "org-1")
	require.Error(t, err)
}

func TestReadOnlySQLiteLeavesNoFilesBehind(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	store.Close()
	ro, err := Open(t.Context(), "sqlite:"+path, nil, ReadOnly())
	require.NoError(t, err)
	_, err = ro.Runs(t.Context(), RunFilter{})
	require.NoError(t, err)
	ro.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		_, err := os.Stat(path + suffix)
		require.ErrorIs(t, err, os.ErrNotExist, suffix)
	}
}
