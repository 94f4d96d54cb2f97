package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// A *_env key names an ordinary variable, never one the program reads a
// database URL or connection setting from; a bad name is quoted, not
// printed raw.
func TestConfigSecretNamesAreChecked(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, extra, want string }{
		{"database url", "    token_env: DATABASE_URL\n", `config.yaml:9: token_env "DATABASE_URL" names a variable holding a database URL`},
		{"ledger url", "    partner_secret_env: PARCHMENT_LEDGER_URL\n", `config.yaml:9: partner_secret_env "PARCHMENT_LEDGER_URL" names a variable holding a database URL`},
		{"ledger ${VAR}", "    token_env: TEST_LEDGER\n", `config.yaml:9: token_env "TEST_LEDGER" names a variable holding a database URL`},
		{"source ${VAR}, later in the file", "    token_env: ROSTER_DB\n  - name: east\n    source_db: ${ROSTER_DB}\n    source_query: SELECT 1\n",
			`config.yaml:9: token_env "ROSTER_DB" names a variable holding a database URL`},
		{"libpq", "    organization_secret_env: PGPASSWORD\n", `config.yaml:9: organization_secret_env "PGPASSWORD" names a PostgreSQL connection variable`},
		{"lower case", "    user_id_env: north_user\n", `config.yaml:9: user_id_env "north_user" is not an environment variable name`},
		{"newline", "    token_env: \"NORTH\\nTOKEN\"\n", `config.yaml:9: token_env "NORTH\nTOKEN" is not an environment variable name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.yaml")
			cfg := "defaults:\n  ledger: ${TEST_LEDGER}\norganizations:\n  - name: north\n    organization_id: north\n    csv: north.csv\n  - name: south\n    csv: south.csv\n" + tc.extra
			require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
			_, err := fleet.LoadConfig(path, func(k string) string {
				return map[string]string{"TEST_LEDGER": "sqlite:x.db", "ROSTER_DB": "postgres://u:pw@h/db"}[k]
			})
			require.Equal(t, ExitUsage, exitCode(fleet.SeverityOf(err)))
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "NORTH\nTOKEN", "never raw")
			require.NotContains(t, err.Error(), "pw@h", "never the URL")
		})
	}
}

// Through the command: refused with exit 2 before anything is sent.
func TestConfigSecretNameRefusedByCommand(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	f.roster("north.csv", rostertest.Staff(2))
	path := filepath.Join(f.dir, "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte("organizations:\n  - name: north\n    organization_id: "+f.org+"\n    csv: north.csv\n    token_env: DATABASE_URL\n"), 0o600))
	vars := f.env()
	vars[fleet.EnvDatabaseURL] = "postgres://sync:hunter2@db/roster"
	res := f.runWith(vars, "apply", "--config", path)
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, `config.yaml:5: token_env "DATABASE_URL" names a variable holding a database URL`)
	require.NotContains(t, res.stderr, "hunter2")
	require.Empty(t, f.server.Counters().Requests, "nothing was sent")
}
