package sync_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// withoutPhone is people's roster with the phone cell of the ids emptied,
// as an export that maps no phone column leaves it.
func withoutPhone(t *testing.T, people []rostertest.Person, ids ...string) []mapping.Row {
	t.Helper()
	lines := strings.SplitAfter(rostertest.CSV(people), "\n")
	for i, l := range lines {
		for _, id := range ids {
			if strings.HasPrefix(l, id+",") {
				lines[i] = strings.Replace(l, ",0412345678,", ",,", 1)
			}
		}
	}
	return rowsOfCSV(t, strings.Join(lines, ""))
}

func TestClinicPhoneFillsProvidersWithoutOne(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(5) // EMP0000 and EMP0004 are providers
	rows := withoutPhone(t, people, "EMP0000", "EMP0001")
	clinic := func(c *psync.Config) { c.ClinicPhone = "(02) 9876 5432" }

	r, err := f.applyWith(rows, clinic)
	require.NoError(t, err)
	require.Equal(t, 5, r.Counts.Create)
	require.Equal(t, "0298765432", f.user("EMP0000").Phone, "a provider without a phone gets the clinic's number")
	require.Equal(t, "0412345678", f.user("EMP0004").Phone, "a provider's own number is kept")
	require.Empty(t, f.user("EMP0001").Phone, "a receptionist has no provider record to show it on")
	require.Equal(t, "0298765432", f.entry("EMP0000").Fields[mapping.FieldPhone])

	r, err = f.applyWith(rows, clinic)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 5}, r.Counts, "the filled number is what was synced")
}

func TestClinicPhoneReplacesAProvidersMobileByUpdate(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people)) // with everyone's mobile, as older mappings sent it

	// The mapping stops taking the mobile; the clinic's number replaces
	// it for the provider. The receptionist's cleared number is a
	// person's call, as any value cleared.
	r, err := f.applyWith(withoutPhone(t, people, "EMP0000", "EMP0001"), func(c *psync.Config) { c.ClinicPhone = "0298765432" })
	require.NoError(t, err)
	require.Equal(t, []string{mapping.FieldPhone}, changeOf(r, "EMP0000").Fields)
	require.Equal(t, "0298765432", f.user("EMP0000").Phone)
	require.Equal(t, psync.ActionManual, changeOf(r, "EMP0001").Action)
	require.Equal(t, "0412345678", f.user("EMP0001").Phone)
}

func TestClinicPhoneMustBeAustralian(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	_, err := f.applyWith(rowsOf(t, rostertest.Staff(1)), func(c *psync.Config) { c.ClinicPhone = "555-0100" })
	require.ErrorContains(t, err, "clinic phone")
	require.Zero(t, f.creates())
}
