package sync_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Parchment answers full_name with the title in front ("Dr Aroha
// Ngata"): refresh runs over unchanged titled people send nothing.
func TestTitledNamesAreNoChangeUnderRefresh(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(32) // every fourth a provider titled Dr
	rows := rowsOf(t, people)
	require.Equal(t, 32, f.apply(rows).Counts.Create)

	refresh := func(c *psync.Config) { c.Refresh = true }
	for run := range 2 {
		r, err := f.applyWith(rows, refresh)
		require.NoError(t, err)
		require.Equal(t, psync.Counts{Unchanged: 32}, r.Counts, "refresh run %d", run+1)
	}
	require.Empty(t, f.server.UpdateLog(), "no name is re-sent for a titled practitioner")
}

// The roles answer is what the user holds: a role Parchment did not keep
// is recorded as not held and reported as a failure naming it.
func TestRolesParchmentDroppedAreAFailure(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{DropRoles: []string{"admin"}})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people))

	people[1].Roles = "admin;receptionist"
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Failed: 1, Unchanged: 1}, r.Counts)
	require.Len(t, r.Failures, 1)
	require.Contains(t, r.Failures[0].Message, "did not keep the role(s) admin")
	require.NotEmpty(t, r.Failures[0].RequestID)
	require.Equal(t, "receptionist", f.entry(people[1].ID).Fields["access_roles"], "the ledger records what Parchment holds")
}
