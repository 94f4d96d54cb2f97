package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// setupSQLite is setup with a SQLite ledger in the test's folder, for
// tests that need no PostgreSQL. The ledger's path is returned too.
func setupSQLite(t *testing.T, server parchmenttest.Config) (*fixture, string) {
	t.Helper()
	server.Token = testToken
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "ledger.db")
	return &fixture{
		t: t, dir: dir, ledger: "sqlite:" + path,
		server: parchmenttest.Start(t, server), org: "org-" + strings.ReplaceAll(t.Name(), "/", "-"),
	}, path
}
