package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/ledger"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// runLedgerCmd runs the command in-process with only vars as environment.
func runLedgerCmd(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func TestLedgerMigrateSQLite(t *testing.T) {
	t.Parallel()
	url := "sqlite:" + filepath.Join(t.TempDir(), "new", "ledger.db")

	res := runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", url)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "ledger migrated: 6 migration(s) applied")
	res = runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", url)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "0 migration(s) applied")
}

func TestLedgerMigratePostgres(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	res := runLedgerCmd(t, map[string]string{fleet.EnvDatabaseURL: url}, "ledger", "migrate")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "8 migration(s) applied")
}

// With no --ledger: PARCHMENT_LEDGER_URL, then DATABASE_URL, then the
// SQLite file under the XDG state folder.
func TestLedgerMigrateFallbacks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ledgerURL, databaseURL := filepath.Join(dir, "ledger-url.db"), filepath.Join(dir, "database-url.db")
	state := filepath.Join(dir, "state")
	home := filepath.Join(dir, "home")
	vars := map[string]string{
		fleet.EnvLedgerURL: "sqlite:" + ledgerURL, fleet.EnvDatabaseURL: "sqlite:" + databaseURL,
		"XDG_STATE_HOME": state, "HOME": home,
	}
	steps := []struct {
		unset string
		file  string
	}{
		{"", ledgerURL},
		{fleet.EnvLedgerURL, databaseURL},
		{fleet.EnvDatabaseURL, filepath.Join(state, "parchment-sync", "ledger.db")},
		{"XDG_STATE_HOME", filepath.Join(home, ".local", "state", "parchment-sync", "ledger.db")},
	}
	for _, step := range steps {
		delete(vars, step.unset)
		res := runLedgerCmd(t, vars, "ledger", "migrate")
		require.Equal(t, ExitOK, res.code, res.stderr)
		require.FileExists(t, step.file)
	}

	delete(vars, "HOME")
	res := runLedgerCmd(t, vars, "ledger", "migrate")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "--ledger")
}

func TestLedgerMigrateErrors(t *testing.T) {
	t.Parallel()
	res := runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", "mysql://sync:hunter2@db/ledger")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "sqlite:PATH")
	require.NotContains(t, res.stderr, "hunter2")

	res = runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", "postgres://sync:hunter2@127.0.0.1:1/ledger?connect_timeout=2")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.NotContains(t, res.stderr, "hunter2")

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	res = runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", "sqlite:"+filepath.Join(file, "ledger.db"))
	require.Equal(t, ExitAborted, res.code, "a file that cannot be created is unreachable: "+res.stderr)
}

// fillSQLiteLedger gives a SQLite ledger one organisation with a run, an
// attempt and two entries.
func fillSQLiteLedger(t *testing.T, url string) {
	t.Helper()
	ctx := t.Context()
	store, err := ledger.Open(ctx, url, nil)
	require.NoError(t, err)
	defer store.Close()
	runID, err := store.StartRun(ctx, psync.Run{OrganizationID: "clinic", Mode: "apply", Source: "roster.csv"})
	require.NoError(t, err)
	require.NoError(t, store.Commit(ctx, "clinic", psync.Commit{
		Entry:    &psync.Entry{ExternalUserID: "E1", ParchmentUserID: "pu-1", State: psync.StateSynced, Fields: map[string]string{}},
		Attempts: []psync.Attempt{{RunID: runID, Operation: "create", ExternalUserID: "E1", HTTPStatus: 201}},
	}))
	require.NoError(t, store.Commit(ctx, "clinic", psync.Commit{
		Entry: &psync.Entry{ExternalUserID: "E2", State: psync.StatePending},
	}))
	require.NoError(t, store.FinishRun(ctx, psync.Run{ID: runID, OrganizationID: "clinic", Outcome: "done"}))
}

func TestLedgerCopySQLiteToPostgres(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	// The default ledger is the source when --from is not given.
	vars := map[string]string{"XDG_STATE_HOME": state}
	fillSQLiteLedger(t, "sqlite:"+filepath.Join(state, "parchment-sync", "ledger.db"))
	pg := pgtest.URL(t)

	res := runLedgerCmd(t, vars, "ledger", "copy", "--to", pg)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "copied organization clinic: 2 entries, 1 runs, 1 attempts")
	require.Contains(t, res.stdout, "copied 1 organization(s): 2 entries, 1 runs, 1 attempts")

	store, err := ledger.Open(t.Context(), pg, nil)
	require.NoError(t, err)
	defer store.Close()
	entries, err := store.Entries(t.Context(), "clinic")
	require.NoError(t, err)
	require.Len(t, entries, 2)
	require.Equal(t, "pu-1", entries["E1"].ParchmentUserID)

	// Copying again would map the same people twice.
	res = runLedgerCmd(t, vars, "ledger", "copy", "--to", pg)
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "already holds entries for organization clinic")
}

func TestLedgerCopyBetweenSQLiteFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from, to := "sqlite:"+filepath.Join(dir, "from.db"), "sqlite:"+filepath.Join(dir, "to", "to.db")
	fillSQLiteLedger(t, from)

	res := runLedgerCmd(t, nil, "ledger", "copy", "--from", from, "--to", to)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "copied 1 organization(s)")

	// An empty source copies nothing, successfully.
	res = runLedgerCmd(t, nil, "ledger", "copy", "--from", "sqlite:"+filepath.Join(dir, "empty.db"), "--to", to)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "nothing to copy")
}

func TestLedgerCopyWhileARunHoldsTheOrganisation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := "sqlite:" + filepath.Join(dir, "from.db")
	fillSQLiteLedger(t, from)
	store, err := ledger.Open(t.Context(), from, nil)
	require.NoError(t, err)
	defer store.Close()
	unlock, err := store.Lock(t.Context(), "clinic")
	require.NoError(t, err)
	defer func() { _ = unlock(context.Background()) }()

	res := runLedgerCmd(t, nil, "ledger", "copy", "--from", from, "--to", "sqlite:"+filepath.Join(dir, "to.db"))
	require.Equal(t, ExitLocked, res.code, res.stderr)
}

func TestLedgerCopyErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := "sqlite:" + filepath.Join(dir, "from.db")

	res := runLedgerCmd(t, nil, "ledger", "copy", "--from", from)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "--to is required")

	res = runLedgerCmd(t, nil, "ledger", "copy", "--from", from, "--to", "ftp://u:hunter2@host/x")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "--to")
	require.NotContains(t, res.stderr, "hunter2")

	res = runLedgerCmd(t, nil, "ledger", "copy", "--from", from, "--to", "postgres://sync:hunter2@127.0.0.1:1/ledger?connect_timeout=2")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.NotContains(t, res.stderr, "hunter2")

	res = runLedgerCmd(t, nil, "ledger", "copy", "--from", "postgres://sync:hunter2@127.0.0.1:1/ledger?connect_timeout=2", "--to", from)
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.NotContains(t, res.stderr, "hunter2")

	res = runLedgerCmd(t, nil, "ledger", "copy", "--from", from, "--to", from+"x", "extra")
	require.Equal(t, ExitUsage, res.code)
}
