package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestPlanSendsNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := rowsOf(t, rostertest.Staff(6))

	r, err := psync.Plan(context.Background(), f.config(nil), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Create: 6}, r.Counts)
	require.Empty(t, f.server.Counters().Requests)
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestIdleRerunSendsNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := rowsOf(t, rostertest.Staff(9))

	first := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 9}, first.Counts)
	f.requireOnePerPerson(rows)
	before := f.server.Counters()

	second := f.apply(rows)
	require.Equal(t, psync.Counts{Unchanged: 9}, second.Counts)
	require.Equal(t, before.Requests, f.server.Counters().Requests, "an idle re-run sends no request at all")
	require.Equal(t, psync.OutcomeDone, second.Outcome)
}

func TestEditSendsOnlyItsPartialUpdate(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(5)
	f.apply(rowsOf(t, people))

	people[0].Family = "Renamed" // provider: full_name and provider_details.family_name
	people[1].Email = "new@clinic.example"
	people = people[:4] // EMP0004 leaves
	people = append(people, rostertest.Person{ID: "EMP9000", Given: "New", Family: "Starter", Email: "new.starter@clinic.example", Roles: "admin"})
	rows := rowsOf(t, people)

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 1, Update: 1, Unchanged: 2, Manual: 1, Orphaned: 1}, r.Counts)

	log := f.server.UpdateLog()
	require.Len(t, log, 1)
	var body map[string]any
	require.NoError(t, json.Unmarshal(log[0].Body, &body))
	require.Equal(t, map[string]any{
		"full_name":        "GivenA Renamed",
		"provider_details": map[string]any{"family_name": "Renamed"},
	}, body)

	// The manual change is reported again, and nothing is sent, next time;
	// the leaver, absent a second apply, is disabled.
	again := f.apply(rows)
	require.Equal(t, psync.Counts{Unchanged: 4, Manual: 1, Disable: 1}, again.Counts)
	require.Len(t, f.server.UpdateLog(), 1)
}

func TestPrescriberTypeCarriesItsDependants(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(1)
	f.apply(rowsOf(t, people))

	rows := rowsOf(t, people)
	rows[0].Record.PrescriberType = "U"
	r := f.apply(rows)
	require.Equal(t, 1, r.Counts.Update)
	var body map[string]any
	require.NoError(t, json.Unmarshal(f.server.UpdateLog()[0].Body, &body))
	require.Equal(t, map[string]any{"provider_details": map[string]any{
		"prescriber_type": "U", "qualifications": "MBBS", "prescriber_number": "1234567",
	}}, body)
}

func TestOverlappingApplyIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	unlock, err := f.store.Lock(context.Background(), f.org)
	require.NoError(t, err)
	t.Cleanup(func() { _ = unlock(context.Background()) })

	_, err = psync.Apply(context.Background(), f.config(f.client(nil)), rowsOf(t, rostertest.Staff(2)))
	require.ErrorIs(t, err, psync.ErrLocked)
	require.Zero(t, f.creates())
}

func TestRejectedCredentialsStopTheRun(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 5 * time.Millisecond})
	f.server.RejectTokens(true)
	cfg := f.config(f.client(nil))

	r, err := psync.Apply(context.Background(), cfg, rowsOf(t, rostertest.Staff(40)))
	var abort *psync.AbortError
	require.ErrorAs(t, err, &abort)
	require.True(t, parchment.IsFatal(err))
	require.LessOrEqual(t, f.server.Counters().Requests["create"], cfg.Concurrency)
	require.Equal(t, psync.OutcomeAborted, r.Outcome)

	// Nothing reached Parchment, so no intent is left to resolve.
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestStormsAndDroppedAnswersConverge(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Rate: 40, Burst: 2, FailRate: 0.1, DropRate: 0.25, Seed: 7})
	people := rostertest.Staff(40)
	for i := range people {
		people[i].Roles = "admin" // fast to create; providers are covered elsewhere
	}
	rows := rowsOf(t, people)
	client := f.client(func(c *parchment.Config) { c.Rate, c.Burst = 60, 4 })

	var last *psync.Report
	for range 3 {
		r, err := psync.Apply(context.Background(), f.config(client), rows)
		require.NoError(t, err)
		last = r
		if !r.HasFailures() && r.Counts.Create == 0 {
			break
		}
	}
	require.False(t, last.HasFailures(), "%+v", last.Failures)
	counters := f.server.Counters()
	t.Logf("429s %d, 500s %d, drops %d, requests %v", counters.RateLimited, counters.ServerErrors, counters.Drops, counters.Requests)
	require.Positive(t, counters.RateLimited, "the storm happened")
	require.Positive(t, counters.Drops, "answers were dropped")
	f.requireOnePerPerson(rows)
}

func TestLostCreateIsResolvedNotRepeated(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	rows := rowsOf(t, people)
	ctx := context.Background()

	// A dead run committed intents for all three; only EMP0001's create
	// reached Parchment before it was killed.
	for _, r := range rows {
		e := psync.Entry{ExternalUserID: r.Record.ExternalUserID, State: psync.StatePending, Email: r.Record.Email, Fields: r.Record.Fields()}
		require.NoError(t, f.store.Commit(ctx, f.org, psync.Commit{Entry: &e}))
	}
	landed := rows[1].Record
	seeded, err := f.server.SeedUser(f.org, parchmenttest.User{ExternalUserID: landed.ExternalUserID, Email: landed.Email, GivenName: landed.GivenName, FamilyName: landed.FamilyName})
	require.NoError(t, err)

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 3}, r.Counts)
	f.requireOnePerPerson(rows)
	entries, err := f.store.Entries(ctx, f.org)
	require.NoError(t, err)
	require.Equal(t, seeded.UserID, entries[landed.ExternalUserID].ParchmentUserID)
}

func TestPartnerIDWithAnotherEmailNeedsAPerson(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := rowsOf(t, rostertest.Staff(2))
	_, err := f.server.SeedUser(f.org, parchmenttest.User{ExternalUserID: rows[0].Record.ExternalUserID, Email: "someone.else@clinic.example"})
	require.NoError(t, err)

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 1, Failed: 1}, r.Counts)
	require.Equal(t, 409, r.Failures[0].HTTPStatus)
	require.NotEmpty(t, r.Failures[0].RequestID)
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.NotContains(t, entries, rows[0].Record.ExternalUserID)
}

func TestExistingEmailIsAdoptedNotDuplicated(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := rowsOf(t, rostertest.Staff(2))
	existing, err := f.server.SeedUser(f.org, parchmenttest.User{Email: "STAFF1@clinic.example", GivenName: "Old", FamilyName: "Name"})
	require.NoError(t, err)

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 1, Adopt: 1}, r.Counts)
	require.Len(t, f.server.Snapshot(f.org), 2)
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.Equal(t, existing.UserID, entries[rows[1].Record.ExternalUserID].ParchmentUserID)
	// The portal's stale name is overwritten with the roster's in the same run.
	for _, u := range f.server.Snapshot(f.org) {
		if u.UserID == existing.UserID {
			require.Equal(t, rows[1].Record.GivenName+" "+rows[1].Record.FamilyName, u.FullName)
			require.Equal(t, rows[1].Record.AccessRoles, u.AccessRoles)
		}
	}
	again := f.apply(rows)
	require.Equal(t, psync.Counts{Unchanged: 2}, again.Counts)
}

func TestInterruptedApplyRecordsInFlightCalls(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 50 * time.Millisecond})
	rows := rowsOf(t, rostertest.Staff(40))
	ctx, cancel := context.WithCancel(context.Background())
	// Stop once sending is under way, however loaded the machine is.
	go func() {
		for f.server.Counters().Creates < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()

	r, err := psync.Apply(ctx, f.config(f.client(nil)), rows)
	require.True(t, errors.Is(err, psync.ErrInterrupted), "%v", err)
	require.Equal(t, psync.OutcomeInterrupted, r.Outcome)
	created := len(f.server.Snapshot(f.org))
	require.Equal(t, created, r.Counts.Create, "every call that completed was recorded")
	require.Less(t, created, len(rows))

	f.apply(rows)
	f.requireOnePerPerson(rows)
}

func TestQueuedCallsAreHeldBackByAStop(t *testing.T) {
	t.Parallel()
	for _, stopBy := range []string{"signal", "credentials rejected"} {
		t.Run(stopBy, func(t *testing.T) {
			t.Parallel()
			f := setup(t, parchmenttest.Config{})
			// Eight workers, one turn to send every 200 ms: seven calls are
			// always queued in the client, waiting for the organisation's rate.
			cfg := f.config(f.client(func(c *parchment.Config) { c.Rate, c.Burst = 5, 1 }))
			cfg.Concurrency = 8
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if stopBy == "signal" {
				go func() {
					for f.server.Counters().Creates < 1 {
						time.Sleep(time.Millisecond)
					}
					cancel()
				}()
			} else {
				f.server.RejectTokens(true)
			}

			r, err := psync.Apply(ctx, cfg, rowsOf(t, rostertest.Staff(20)))
			require.Error(t, err)
			sent := f.server.Counters().Requests["create"]
			require.LessOrEqual(t, sent, 2, "queued calls are not sent after the stop")
			require.LessOrEqual(t, r.Counts.Failed, 1, "held-back rows are not failures")
			entries, err := f.store.Entries(context.Background(), f.org)
			require.NoError(t, err)
			require.LessOrEqual(t, len(entries), sent, "held-back creates leave no intent")
		})
	}
}

func TestEmailCaseChangeIsNoChange(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people))

	people[1].Email = strings.ToUpper(people[1].Email)
	require.Equal(t, psync.Counts{Unchanged: 2}, f.apply(rowsOf(t, people)).Counts)
}
