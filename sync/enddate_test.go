package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// at is a clock stopped at t, in the organisation's zone loc.
func at(t time.Time, loc *time.Location) func(*psync.Config) {
	return func(c *psync.Config) { c.Now, c.Location = func() time.Time { return t }, loc }
}

// leaverOn syncs n people, then gives the one at i an end date: it
// returns the roster with it, and Sydney's zone.
func leaverOn(t *testing.T, f *fixture, n, i int, end string) ([]rostertest.Person, []mapping.Row, *time.Location) {
	t.Helper()
	sydney, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	people := rostertest.Staff(n)
	f.apply(rowsOf(t, people))
	people[i].EndDate = end
	return people, rowsOf(t, people), sydney
}

func TestEndDateIsTheLastWorkingDayInTheOrganisationsZone(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people, rows, sydney := leaverOn(t, f, 6, 1, "2026-03-10")

	// The 02:30 run of the last working day: still working today.
	lastDay := at(time.Date(2026, 3, 10, 2, 30, 0, 0, sydney), sydney)
	cfg := f.config(nil)
	lastDay(&cfg)
	plan, err := psync.Plan(context.Background(), cfg, rows)
	require.NoError(t, err)
	require.Equal(t, psync.ActionUnchanged, changeOf(plan, people[1].ID).Action)
	require.Equal(t, "leaves after 2026-03-10", changeOf(plan, people[1].ID).Note)
	r, err := f.applyWith(rows, lastDay)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 6}, r.Counts)
	require.False(t, f.user(people[1].ID).Disabled)

	// The next day's run disables.
	r, err = f.applyWith(rows, at(time.Date(2026, 3, 11, 2, 30, 0, 0, sydney), sydney))
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Disable: 1, Unchanged: 5}, r.Counts)
	require.Equal(t, "left after 2026-03-10", changeOf(r, people[1].ID).Note)
	require.True(t, f.user(people[1].ID).Disabled)
}

func TestEndDateCountsTheDayWhereTheOrganisationIs(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people, rows, sydney := leaverOn(t, f, 4, 2, "2026-03-10")

	// 23:30 UTC on the 10th is 10:30 on the 11th in Sydney.
	late := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	cfg := f.config(nil)
	at(late, time.UTC)(&cfg)
	plan, err := psync.Plan(context.Background(), cfg, rows)
	require.NoError(t, err)
	require.Equal(t, "leaves after 2026-03-10", changeOf(plan, people[2].ID).Note, "still the 10th in UTC")

	r, err := f.applyWith(rows, at(late, sydney))
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Disable: 1, Unchanged: 3}, r.Counts)
	require.True(t, f.user(people[2].ID).Disabled)
}
