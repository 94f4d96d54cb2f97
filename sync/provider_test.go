package sync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func requireProviderChange(t *testing.T, c psync.Change, want psync.ProviderChange) {
	t.Helper()
	require.Equal(t, want, c.Provider, "%s: %+v", c.ExternalUserID, c)
	require.Contains(t, c.Warning, `"`+psync.ProviderRoleWarning+`"`, "Parchment's warning is quoted")
}

func TestMoverLosingProviderIsFlaggedAndCountedByTheGuard(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(8) // EMP0000 and EMP0004 are providers
	f.apply(rowsOf(t, people))

	people[0].Roles = "receptionist" // a mover
	people[4].EndDate = day(-1)      // a leaver
	people[1].Family = "Renamed"     // a receptionist staying one: no removal
	rows := rowsOf(t, people)
	limits := func(c *psync.Config) { c.MaxLeavers, c.MaxLeaversPercent = 1, 10 }

	plan, err := psync.Plan(context.Background(), func() psync.Config { c := f.config(nil); limits(&c); return c }(), rows)
	require.ErrorIs(t, err, psync.ErrHeld, "one leaver and one removal are two, above 1 and 10 %")
	require.Equal(t, &psync.Hold{Leaving: 2, Leavers: 1, ProviderRemovals: 1, Active: 8, MaxLeavers: 1, MaxLeaversPercent: 10}, plan.Hold)
	mover := changeOf(plan, people[0].ID)
	requireProviderChange(t, mover, psync.ProviderRemoved)
	require.Contains(t, mover.Note, "roles taken away: provider")
	requireProviderChange(t, changeOf(plan, people[4].ID), psync.ProviderRemoved) // the leaver's disable

	_, err = f.applyWith(rows, limits)
	require.ErrorIs(t, err, psync.ErrHeld)
	require.Equal(t, []string{mapping.RoleProvider}, f.user(people[0].ID).AccessRoles, "nothing sent")

	r, err := f.applyWith(rows, func(c *psync.Config) { c.MaxLeavers = 2 })
	require.NoError(t, err, "two are within a limit of 2")
	requireProviderChange(t, changeOf(r, people[0].ID), psync.ProviderRemoved)
	require.Equal(t, []string{"receptionist"}, f.user(people[0].ID).AccessRoles)
	require.Equal(t, psync.ActionUpdate, changeOf(r, people[1].ID).Action)
	require.Empty(t, changeOf(r, people[1].ID).Provider, "a receptionist staying one is not flagged")
}

func TestProviderGivenBackIsFlagged(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6) // EMP0000 and EMP0004 are providers
	f.apply(rowsOf(t, people))

	// A returner: disabled (which leaves member), then back as a provider.
	people[0].EndDate = day(-1)
	r := f.apply(rowsOf(t, people))
	requireProviderChange(t, changeOf(r, people[0].ID), psync.ProviderRemoved)
	people[0].EndDate = ""
	plan, err := psync.Plan(context.Background(), f.config(nil), rowsOf(t, people))
	require.NoError(t, err)
	requireProviderChange(t, changeOf(plan, people[0].ID), psync.ProviderRestored)
	r = f.apply(rowsOf(t, people))
	back := changeOf(r, people[0].ID)
	require.Equal(t, psync.ActionEnable, back.Action)
	requireProviderChange(t, back, psync.ProviderRestored)

	// A mover: provider taken away, then given back.
	provider := people[4]
	people[4].Roles = "receptionist"
	f.apply(rowsOf(t, people))
	people[4] = provider
	r = f.apply(rowsOf(t, people))
	requireProviderChange(t, changeOf(r, provider.ID), psync.ProviderRestored)

	// A first grant is no flip.
	people[1].Roles, people[1].Qualifications = mapping.RoleProvider, "MBBS"
	people[1].ProviderNumber, people[1].HPII = provider.ProviderNumber, rostertest.HPII("000000901")
	r = f.apply(rowsOf(t, people))
	require.Equal(t, psync.ActionUpdate, changeOf(r, people[1].ID).Action)
	require.Empty(t, changeOf(r, people[1].ID).Provider)
	require.Empty(t, changeOf(r, people[1].ID).Warning)
}

// An adopted user whose roster row no longer gives them provider is
// flagged like any mover losing it.
func TestAdoptionTakingProviderAwayIsFlagged(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)[1:] // a receptionist on the roster
	_, err := f.server.SeedUser(f.org, parchmenttest.User{
		ExternalUserID: people[0].ID, Email: people[0].Email, GivenName: people[0].Given, FamilyName: people[0].Family,
		AccessRoles: []string{"provider"}, HPIINumber: "8003614900029560", PrescriberType: "M", PrescriberNumber: "1318605", Qualifications: "MBBS",
	})
	require.NoError(t, err)
	r := f.apply(rowsOf(t, people))
	require.Equal(t, 1, r.Counts.Adopt)
	c := changeOf(r, people[0].ID)
	require.Equal(t, psync.ProviderRemoved, c.Provider)
	require.Contains(t, c.Warning, psync.ProviderRoleWarning)
}
