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

// A scope refusal answered 401 "Insufficient scope" stops its kind only:
// the first create is refused, no other is sent, and the run goes on
// with the changes it may make.
func TestScopeRefusalAs401StopsThatKindOnly(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{ScopeRefusal: parchmenttest.ScopeRefusal401})
	people := rostertest.Staff(12)
	f.apply(rowsOf(t, people[:2]))
	f.server.AllowScopes(f.org, "read:user", "read:users", "update:user")

	people[1].Family = "Renamed"
	r := f.apply(rowsOf(t, people))
	require.Empty(t, r.Error, "never an abort")
	require.Equal(t, psync.Counts{Failed: 10, Update: 1, Unchanged: 1}, r.Counts)
	require.Equal(t, 3, f.server.Counters().Requests["create"], "two creates before; after the refusal, no other create is sent")
	for _, fl := range r.Failures {
		require.Contains(t, fl.Message, "create:user")
	}
}

// Reads refused by scope fail the rows that need them (here a refresh),
// while creates go on.
func TestReadScopeRefusalFailsOnlyTheReads(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people[:3]))
	f.server.AllowScopes(f.org, "create:user", "read:users", "update:user")

	r, err := f.applyWith(rowsOf(t, people), func(c *psync.Config) { c.Refresh = true })
	require.NoError(t, err)
	require.Empty(t, r.Error)
	require.Equal(t, 3, r.Counts.Create, "creates go on")
	require.Equal(t, 3, r.Counts.Failed, "each refresh read is reported failed")
	require.Equal(t, 1, f.server.Counters().Requests["get"], "after the first refusal no read is sent")
}

// A list with pagination beside data is followed page by page: every
// existing user is found (adoption needs the whole list).
func TestAdoptionFindsUsersPastTheFirstPageOfTopLevelPagination(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{ListShape: parchmenttest.ListTopLevel})
	people := rostertest.Staff(120)
	for _, p := range people {
		_, err := f.server.SeedUser(f.org, parchmenttest.User{ExternalUserID: p.ID, Email: p.Email, GivenName: p.Given, FamilyName: p.Family, AccessRoles: []string{"receptionist"}})
		require.NoError(t, err)
	}
	// The create of the last person is answered "exists" with no id: only
	// the listing's second page finds them.
	rows := rowsOf(t, people[119:])
	r := f.apply(rows)
	require.Equal(t, 1, r.Counts.Adopt, "found past the first page")
	require.Len(t, f.server.Snapshot(f.org), 120, "no second user")
}

// Under strict scopes a token request naming an unapproved scope is
// refused; the client asks again without it and the run goes on.
func TestStrictScopesDropTheUnapprovedScope(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{StrictScopes: true, Scopes: []string{"create:user", "read:user", "read:users"}})
	people := rostertest.Staff(3)
	cfg := f.config(f.partnerClient())
	r, err := psync.Apply(t.Context(), cfg, rowsOf(t, people))
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Create: 3}, r.Counts)
	require.NotEmpty(t, r.Warnings, "the run says update:user is not granted")
}

// Partial provider creates chosen by HPI-I suffix, as the sandbox flag
// --partial-provider-hpii-suffix does: each prescriber ends with their
// provider fields.
func TestPartialProviderCreatesByHPIISuffix(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(16) // four providers
	suffixes := map[string]parchmenttest.CreateAnswer{}
	for i, p := range people {
		if p.HPII != "" {
			suffixes[p.HPII[10:]] = []parchmenttest.CreateAnswer{parchmenttest.ProviderNotFound, parchmenttest.ProviderAlreadyExists}[i%2]
		}
	}
	require.Len(t, suffixes, 4)
	f := setup(t, parchmenttest.Config{PartialProviderHPII: suffixes})
	rows := rowsOf(t, people)
	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 16}, r.Counts)
	require.Len(t, f.server.UpdateLog(), 4, "each prescriber's provider fields sent by update")
	for _, u := range f.server.Snapshot(f.org) {
		for _, p := range people {
			if p.ID == u.ExternalUserID && p.HPII != "" {
				require.Equal(t, p.HPII, u.HPIINumber)
			}
		}
	}
	require.Equal(t, psync.Counts{Unchanged: 16}, f.apply(rows).Counts)
}

// A role Parchment does not keep fails the row, but the person's other
// changes still go.
func TestDroppedRoleDoesNotHoldBackUpdates(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{DropRoles: []string{"admin"}})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people))
	people[1].Roles, people[1].Family = "admin;receptionist", "Renamed"
	r := f.apply(rowsOf(t, people))
	require.Equal(t, 1, r.Counts.Failed)
	require.Equal(t, people[1].Given+" Renamed", f.user(people[1].ID).FullName)
}
