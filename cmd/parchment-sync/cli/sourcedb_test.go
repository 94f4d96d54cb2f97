package cli

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestApplyFromStaffDatabase(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.ledger)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `
		CREATE TABLE staff (id int, first text, last text, mail text, role text, left_on date);
		INSERT INTO staff VALUES
			(1, 'Ann', 'Lee', 'ann@clinic.example', 'Reception', NULL),
			(2, 'Bo', 'Chen', 'bo@clinic.example', 'Manager', NULL),
			(3, 'Cy', 'Gone', 'cy@clinic.example', 'Reception', '2026-01-31');`)
	require.NoError(t, err)
	mappingFile := writeFile(t, "staff.yaml", `
external_user_id: { column: id, prefix: "HR#" }
given_name: first
family_name: last
email: mail
access_roles: { column: role, values: { Reception: [receptionist], Manager: [admin] } }
skip: { column: left_on, when: not_empty }
`)
	res := f.run("apply", "--source-db", f.ledger, "--source-query", "SELECT * FROM staff ORDER BY id",
		"--mapping", mappingFile, "--output", "json", "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, 2.0, decodeReport(t, res.stdout)["counts"].(map[string]any)["create"])
	ids := []string{}
	for _, u := range f.server.Snapshot(f.org) {
		ids = append(ids, u.ExternalUserID)
	}
	require.ElementsMatch(t, []string{"HR#1", "HR#2"}, ids)

	bad := f.run("plan", "--source-db", f.ledger, "--source-query", "SELECT nope FROM nowhere")
	require.Equal(t, ExitUsage, bad.code, bad.stderr)
}
