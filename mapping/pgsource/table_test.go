package pgsource

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/mapping"
)

const staffSchema = `
CREATE TABLE staff (
	payroll_id   integer PRIMARY KEY,
	first_name   text NOT NULL,
	last_name    text NOT NULL,
	email        text,
	dob          date,
	gender       text,
	mobile       text,
	role         text,
	hpii         bigint,
	quals        text,
	prescriber   text,
	left_on      timestamptz,
	roles        text[]
);
INSERT INTO staff VALUES
	(1001, 'Amelia', 'Nguyen', 'amelia.nguyen@harbourclinic.example', '1978-03-14', 'Female', '0412 345 678', 'GP',
	 8003614900029560, 'MBBS', '1318605', NULL, '{provider}'),
	(1002, 'Noah', 'Williams', 'noah.williams@harbourclinic.example', NULL, NULL, NULL, 'Reception',
	 NULL, NULL, NULL, NULL, '{receptionist,rx_reader}'),
	(1003, 'Henry', 'Scott', 'henry.scott@harbourclinic.example', '1960-01-01', 'Male', NULL, 'GP',
	 NULL, NULL, NULL, '2024-06-30 17:00+10', '{provider}'),
	(1004, 'Zoë', 'Lam', 'noah.williams@harbourclinic.example', NULL, NULL, NULL, 'Cleaner',
	 NULL, NULL, NULL, NULL, '{}');
`

const staffMapping = `
external_user_id: { column: payroll_id, prefix: "HR#" }
given_name: first_name
family_name: last_name
email: email
date_of_birth: dob
sex: { column: gender, values: { Male: M, Female: F } }
phone: mobile
access_roles: { column: role, values: { GP: provider, Reception: receptionist } }
prescriber_type: { column: role, values: { GP: M }, default: "" }
hpii_number: hpii
qualifications: quals
prescriber_number: prescriber
skip: { column: left_on, when: not_empty }
`

func setup(t *testing.T) (context.Context, string) {
	t.Helper()
	url := pgtest.URL(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, staffSchema)
	require.NoError(t, err)
	return ctx, url
}

func TestReadThroughMapping(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	m, err := mapping.ParseMapping([]byte(staffMapping), "staff.yaml")
	require.NoError(t, err)
	rows, err := Read(ctx, url, "SELECT * FROM staff ORDER BY payroll_id", m)
	require.NoError(t, err)
	require.Len(t, rows, 4)

	amelia := rows[0]
	require.Equal(t, 2, amelia.Line, "the first row is line 2, after a virtual header")
	require.True(t, amelia.Valid(), "%v", amelia.Problems)
	require.Equal(t, mapping.Record{
		ExternalUserID: "HR#1001", GivenName: "Amelia", FamilyName: "Nguyen",
		Email: "amelia.nguyen@harbourclinic.example", DateOfBirth: "1978-03-14", Sex: "F",
		Phone: "0412345678", AccessRoles: []string{"provider"}, HPIINumber: "8003614900029560",
		PrescriberType: "M", PrescriberNumber: "1318605", Qualifications: "MBBS",
	}, amelia.Record)

	require.True(t, rows[2].Skipped, "a left_on timestamp skips the row")
	require.Equal(t, 4, rows[2].Line)

	// Same email twice, and a role the mapping does not list.
	require.False(t, rows[1].Valid())
	require.False(t, rows[3].Valid())
	require.Equal(t, mapping.FieldEmail, rows[1].Problems[0].Field)
	require.Equal(t, 5, rows[3].Problems[0].Line)
}

func TestCanonicalColumnsAndArrays(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	rows, err := Read(ctx, url, `
		SELECT payroll_id AS external_user_id, first_name AS given_name, last_name AS "Family_Name",
		       email, roles AS access_roles
		FROM staff WHERE payroll_id = 1002`, nil)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.True(t, rows[0].Valid(), "%v", rows[0].Problems)
	require.Equal(t, "1002", rows[0].Record.ExternalUserID)
	require.Equal(t, []string{"receptionist", "rx_reader"}, rows[0].Record.AccessRoles)
}

func TestStreamsRowByRow(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	tbl, err := Open(ctx, conn, "SELECT payroll_id, dob, left_on, hpii, 1.5::float8 AS f, 12345678901234567890::numeric AS n FROM staff ORDER BY payroll_id")
	require.NoError(t, err)
	defer tbl.Close()
	require.Equal(t, []string{"payroll_id", "dob", "left_on", "hpii", "f", "n"}, tbl.Columns())
	cells, line, err := tbl.Next()
	require.NoError(t, err)
	require.Equal(t, 2, line)
	require.Equal(t, []string{"1001", "1978-03-14", "", "8003614900029560", "1.5", "12345678901234567890"}, cells)
	for range 3 {
		_, _, err = tbl.Next()
		require.NoError(t, err)
	}
	_, _, err = tbl.Next()
	require.ErrorIs(t, err, io.EOF)
}

func TestQueryErrorsAreSourceErrors(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	for _, q := range []string{"SELECT * FROM no_such_table", "SELEC 1", "SELECT 1/0 AS x FROM staff"} {
		_, err := Read(ctx, url, q, nil)
		var se *mapping.SourceError
		require.ErrorAs(t, err, &se, q)
		require.Equal(t, Name, se.File)
	}
}

func TestMissingColumnIsSourceError(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	_, err := Read(ctx, url, "SELECT payroll_id AS external_user_id FROM staff", nil)
	var se *mapping.SourceError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Message, "given_name")
}

func TestQueryCannotWrite(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	_, err := Read(ctx, url, "DELETE FROM staff RETURNING payroll_id AS external_user_id, first_name AS given_name, last_name AS family_name, email", nil)
	require.Error(t, err)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM staff").Scan(&n))
	require.Equal(t, 4, n)
}

func TestConnectionErrorHidesPassword(t *testing.T) {
	t.Parallel()
	_, err := Read(t.Context(), "postgres://u:s3cret-pw@127.0.0.1:1/db?connect_timeout=2", "SELECT 1", nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cret-pw")
}

// A leaving day comes from a date column, or from a timestamp as the day it
// falls on where this process runs; it is read, not skipped.
func TestEndDate(t *testing.T) {
	t.Parallel()
	ctx, url := setup(t)
	rows, err := Read(ctx, url, `
		SELECT payroll_id AS external_user_id, first_name AS given_name, last_name AS family_name, email,
		       CASE payroll_id WHEN 1002 THEN DATE '2099-01-31' WHEN 1003 THEN DATE '2024-06-30' END AS end_date
		FROM staff WHERE payroll_id IN (1001, 1002, 1003) ORDER BY payroll_id`, nil)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	today := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	for i, want := range []struct {
		end  string
		left bool
	}{{"", false}, {"2099-01-31", false}, {"2024-06-30", true}} {
		require.True(t, rows[i].Valid(), "%v", rows[i].Problems)
		require.Equal(t, want.end, rows[i].Record.EndDate)
		require.Equal(t, want.left, rows[i].Record.LeftBy(today))
		require.NotContains(t, rows[i].Record.Fields(), mapping.FieldEndDate)
	}

	m, err := mapping.ParseMapping([]byte(strings.Replace(staffMapping,
		"skip: { column: left_on, when: not_empty }", "end_date: left_on", 1)), "staff.yaml")
	require.NoError(t, err)
	rows, err = Read(ctx, url, "SELECT * FROM staff ORDER BY payroll_id", m)
	require.NoError(t, err)
	henry := rows[2]
	require.False(t, henry.Skipped)
	for _, p := range henry.Problems {
		require.NotEqual(t, mapping.FieldEndDate, p.Field, p.Message)
	}
	// left_on is 2024-06-30 17:00+10, 07:00 UTC.
	require.Equal(t, time.Date(2024, 6, 30, 7, 0, 0, 0, time.UTC).Local().Format(time.DateOnly), henry.Record.EndDate)
	require.True(t, henry.Record.LeftBy(today))
	require.Empty(t, rows[0].Record.EndDate)
}
