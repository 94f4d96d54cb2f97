package rostertest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/mapping"
)

func read(t *testing.T, csv string) []mapping.Row {
	t.Helper()
	r, err := mapping.OpenCSV(strings.NewReader(csv), "staff.csv", nil)
	require.NoError(t, err)
	rows, err := mapping.ReadAll(r)
	require.NoError(t, err)
	return rows
}

func TestHeaderIsCanonical(t *testing.T) {
	t.Parallel()
	require.Equal(t, strings.Join(mapping.RosterFieldNames(), ",")+"\n", Header)
}

// Staff rows are valid with no warning at all: their identifiers pass every
// check digit.
func TestStaffIsValid(t *testing.T) {
	t.Parallel()
	people := Staff(8)
	rows := read(t, CSV(people))
	require.Len(t, rows, len(people))
	for i, row := range rows {
		require.True(t, row.Valid(), "%s: %v", people[i].ID, row.Problems)
		require.Empty(t, row.Problems, people[i].ID)
		require.Equal(t, people[i].ID, row.Record.ExternalUserID)
		require.Empty(t, row.Record.EndDate)
	}
	require.True(t, rows[0].Record.IsProvider())
	require.False(t, rows[1].Record.IsProvider())
}

func TestEndDate(t *testing.T) {
	t.Parallel()
	people := Staff(2)
	people[0].EndDate, people[1].EndDate = "2024-06-30", "2099-01-31"
	rows := read(t, CSV(people))
	today := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	for i, left := range []bool{true, false} {
		require.True(t, rows[i].Valid(), "%v", rows[i].Problems)
		require.Equal(t, people[i].EndDate, rows[i].Record.EndDate)
		require.Equal(t, left, rows[i].Record.LeftBy(today))
	}
}
