package sync_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func day(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }

// applyWith applies rows with the config edited by mod.
func (f *fixture) applyWith(rows []mapping.Row, mod func(*psync.Config)) (*psync.Report, error) {
	f.t.Helper()
	cfg := f.config(f.client(nil))
	if mod != nil {
		mod(&cfg)
	}
	return psync.Apply(context.Background(), cfg, rows)
}

// user returns the stand-in's user with the external id.
func (f *fixture) user(externalID string) parchmenttest.User {
	f.t.Helper()
	for _, u := range f.server.Snapshot(f.org) {
		if u.ExternalUserID == externalID {
			return u
		}
	}
	f.t.Fatalf("no Parchment user carries %s", externalID)
	return parchmenttest.User{}
}

func (f *fixture) entry(externalID string) psync.Entry {
	f.t.Helper()
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(f.t, err)
	return entries[externalID]
}

func changeOf(r *psync.Report, externalID string) psync.Change {
	for _, c := range r.Changes {
		if c.ExternalUserID == externalID {
			return c
		}
	}
	return psync.Change{}
}

func TestRoleChangeGoesThroughTheRolesCall(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	f.apply(rowsOf(t, people))

	people[1].Roles = "admin;receptionist;rx_reader"
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Update: 1, Unchanged: 3}, r.Counts)
	c := changeOf(r, people[1].ID)
	require.Equal(t, []string{mapping.FieldAccessRoles}, c.Fields)
	require.NotEmpty(t, c.RequestID)
	require.Equal(t, []string{"admin", "receptionist", "rx_reader"}, f.user(people[1].ID).AccessRoles)
	require.Empty(t, f.server.UpdateLog(), "roles never travel in the general update")
	require.Equal(t, psync.Counts{Unchanged: 4}, f.apply(rowsOf(t, people)).Counts)
}

func TestGainingProviderSendsRolesThenEveryProviderField(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people))

	people[1].Roles, people[1].Qualifications = mapping.RoleProvider, "BNurs"
	people[1].HPII = rostertest.HPII("000000777")
	people[1].ProviderNumber = rostertest.ProviderNumber("345678", '2')
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Update: 1, Unchanged: 1}, r.Counts)

	u := f.user(people[1].ID)
	require.Equal(t, []string{mapping.RoleProvider}, u.AccessRoles)
	require.Equal(t, people[1].HPII, u.HPIINumber)
	require.Equal(t, people[1].ProviderNumber, u.ProviderNumber)
	log := f.server.UpdateLog()
	require.Len(t, log, 1, "one update carries the provider fields")
	var body struct {
		ProviderDetails map[string]string `json:"provider_details"`
	}
	require.NoError(t, json.Unmarshal(log[0].Body, &body))
	for _, field := range []string{"hpii_number", "prescriber_type", "prescriber_number", "qualifications", "provider_number", "date_of_birth", "sex", "phone", "ahpra_number", "given_name", "family_name", "title"} {
		require.Contains(t, body.ProviderDetails, field)
	}
	require.Equal(t, psync.Counts{Unchanged: 2}, f.apply(rowsOf(t, people)).Counts)
}

func TestLosingProviderSendsTheRolesCallOnly(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people))

	people[0].Roles = "admin"
	r := f.apply(rowsOf(t, people))
	require.Equal(t, 1, r.Counts.Update)
	require.Equal(t, []string{mapping.FieldAccessRoles}, changeOf(r, people[0].ID).Fields)
	require.Equal(t, []string{"admin"}, f.user(people[0].ID).AccessRoles)
	require.Empty(t, f.server.UpdateLog())
}

func TestNoRoleAndNewEmailAreManual(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	f.apply(rowsOf(t, people))

	people[1].Roles = ""
	people[2].Email = "moved@clinic.example"
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Manual: 2, Unchanged: 1}, r.Counts)
	require.Equal(t, []string{mapping.FieldAccessRoles}, changeOf(r, people[1].ID).Manual)
	require.Equal(t, []string{mapping.FieldEmail}, changeOf(r, people[2].ID).Manual)
	require.Equal(t, []string{"receptionist"}, f.user(people[1].ID).AccessRoles)
}

func TestChangedMedicareProviderNumberIsSent(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(1)
	f.apply(rowsOf(t, people))

	// A GP moving practice location gets a new 8-character number.
	people[0].ProviderNumber = rostertest.ProviderNumber("234567", '7')
	rows := rowsOf(t, people)
	require.Empty(t, rows[0].Problems, "a valid Medicare provider number warns of nothing")
	r := f.apply(rows)
	require.Equal(t, psync.Counts{Update: 1}, r.Counts)
	require.Equal(t, people[0].ProviderNumber, f.user(people[0].ID).ProviderNumber)
}

func TestLeaverIsDisabledAfterTheEndDateAndNoticeWaits(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))

	people[1].EndDate = day(-1)
	people[2].EndDate = day(30)
	people[3].EndDate = day(0) // the last working day
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Disable: 1, Unchanged: 5}, r.Counts)
	require.Contains(t, changeOf(r, people[1].ID).Note, "left after "+day(-1))
	left := f.user(people[1].ID)
	require.True(t, left.Disabled)
	require.Equal(t, []string{"member"}, left.AccessRoles, "disable downgrades roles")
	for _, p := range people[2:4] {
		require.False(t, f.user(p.ID).Disabled)
		require.Equal(t, "leaves after "+p.EndDate, changeOf(r, p.ID).Note, "notice given is shown")
	}
	e := f.entry(people[1].ID)
	require.Equal(t, r.RunID, e.DisabledRunID, "the ledger remembers since which run")

	again := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Unchanged: 6}, again.Counts, "a disabled leaver is left alone")
}

func TestNeverSyncedLeaverIsNotCreated(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	people[1].EndDate = day(-3)
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Create: 1, Unchanged: 1}, r.Counts)
	require.Len(t, f.server.Snapshot(f.org), 1)
}

func TestAbsentPersonIsDisabledAfterTheGraceRuns(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))
	gone := people[3]
	rest := append(people[:3:3], people[4:]...)

	first := f.apply(rowsOf(t, rest))
	require.Equal(t, psync.Counts{Orphaned: 1, Unchanged: 5}, first.Counts)
	require.Contains(t, changeOf(first, gone.ID).Note, "1 of 2")
	require.False(t, f.user(gone.ID).Disabled)
	require.Equal(t, 1, f.entry(gone.ID).AbsentRuns)

	second := f.apply(rowsOf(t, rest))
	require.Equal(t, psync.Counts{Disable: 1, Unchanged: 5}, second.Counts)
	require.True(t, f.user(gone.ID).Disabled)

	third := f.apply(rowsOf(t, rest))
	require.Equal(t, psync.Counts{Unchanged: 5}, third.Counts, "someone already disabled is not reported again")
}

func TestPresenceResetsTheAbsenceCount(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))
	f.apply(rowsOf(t, people[1:]))
	require.Equal(t, 1, f.entry(people[0].ID).AbsentRuns)
	f.apply(rowsOf(t, people))
	require.Equal(t, 0, f.entry(people[0].ID).AbsentRuns)
	r := f.apply(rowsOf(t, people[1:]))
	require.Equal(t, 1, r.Counts.Orphaned, "the grace starts again")
}

func TestSkippedRowCountsAsAbsent(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))
	rows := rowsOf(t, people)
	rows[2].Skipped = true
	r, err := f.applyWith(rows, func(c *psync.Config) { c.AbsentRuns = 1 })
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Disable: 1, Unchanged: 5}, r.Counts)
	require.True(t, f.user(people[2].ID).Disabled)
}

func TestInvalidRowIsNotAbsent(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))
	rows := rowsOf(t, people)
	rows[2].Problems = []mapping.Problem{{Line: rows[2].Line, Field: "phone", Message: "bad", Severity: mapping.SeverityError}}
	r, err := f.applyWith(rows, func(c *psync.Config) { c.AbsentRuns = 1 })
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Invalid: 1, Unchanged: 5}, r.Counts)
	require.False(t, f.user(people[2].ID).Disabled)
}

func TestLeaversReportDisablesNobody(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))
	people[1].EndDate = day(-1)
	report := func(c *psync.Config) { c.Leavers, c.AbsentRuns = psync.LeaversReport, 1 }
	r, err := f.applyWith(rowsOf(t, people[1:]), report)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Orphaned: 2, Unchanged: 4}, r.Counts)
	require.Zero(t, f.server.Counters().Requests["disable"])
	require.Contains(t, changeOf(r, people[1].ID).Note, "--leavers report")
}

func TestReturnerIsEnabledThenGetsRolesThenUpdates(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	f.apply(rowsOf(t, people))
	people[0].EndDate = day(-1)
	f.apply(rowsOf(t, people))
	require.True(t, f.user(people[0].ID).Disabled)

	people[0].EndDate = ""
	people[0].Family = "Returned"
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Enable: 1, Unchanged: 5}, r.Counts)
	c := changeOf(r, people[0].ID)
	// Roles first; regaining provider, the update carries every provider
	// field the roster has, the new family name among them.
	require.Equal(t, mapping.FieldAccessRoles, c.Fields[0])
	require.Contains(t, c.Fields, mapping.FieldFamilyName)
	require.Contains(t, c.Fields, mapping.FieldHPIINumber)
	u := f.user(people[0].ID)
	require.False(t, u.Disabled)
	require.Equal(t, []string{mapping.RoleProvider}, u.AccessRoles, "enable leaves member: the roles call restores them")
	require.Equal(t, "Returned", u.FamilyName)
	require.Zero(t, f.entry(people[0].ID).DisabledRunID)
	require.Equal(t, psync.Counts{Unchanged: 6}, f.apply(rowsOf(t, people)).Counts)
}

func TestTruncatedExportIsHeld(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(30)
	f.apply(rowsOf(t, people))
	before := f.server.Counters().Requests
	truncated := append(rostertest.Staff(20), rostertest.Person{ID: "EMP9000", Given: "New", Family: "Joiner", Email: "joiner@clinic.example", Roles: "admin"})

	r, err := f.applyWith(rowsOf(t, truncated), nil)
	var held *psync.HeldError
	require.ErrorAs(t, err, &held)
	require.ErrorIs(t, err, psync.ErrHeld)
	require.Equal(t, psync.OutcomeHeld, r.Outcome)
	require.Equal(t, &psync.Hold{Leaving: 10, Absent: 10, Active: 30, MaxLeavers: 5, MaxLeaversPercent: 20}, r.Hold)
	require.Contains(t, err.Error(), "--allow-mass-leavers")
	require.Equal(t, before, f.server.Counters().Requests, "nothing at all is sent, the joiner's create included")
	require.Zero(t, f.entry("EMP0025").AbsentRuns, "a held run does not advance the absence count")
	run, err := f.store.Run(context.Background(), r.RunID)
	require.NoError(t, err)
	require.Equal(t, psync.OutcomeHeld, run.Outcome)

	plan, err := psync.Plan(context.Background(), f.config(nil), rowsOf(t, truncated))
	require.ErrorIs(t, err, psync.ErrHeld, "plan shows the same verdict")
	require.Equal(t, psync.OutcomeHeld, plan.Outcome)

	allowed, err := f.applyWith(rowsOf(t, truncated), func(c *psync.Config) { c.AllowMassLeavers = true })
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Create: 1, Orphaned: 10, Unchanged: 20}, allowed.Counts)
}

func TestFewLeaversPassTheGuard(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(10)
	f.apply(rowsOf(t, people))
	// 6 of 10 leave: above 5 people, above 20 %: held. Raising either
	// limit above the count lets it through.
	for i := range 6 {
		people[i].EndDate = day(-1)
	}
	_, err := f.applyWith(rowsOf(t, people), nil)
	require.ErrorIs(t, err, psync.ErrHeld)
	r, err := f.applyWith(rowsOf(t, people), func(c *psync.Config) { c.MaxLeavers = 6 })
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Disable: 6, Unchanged: 4}, r.Counts)
}

func TestUserWithOurPartnerIDIsAdopted(t *testing.T) {
	t.Parallel()
	for _, shape := range []string{"paged", "bare"} {
		t.Run(shape, func(t *testing.T) {
			t.Parallel()
			f := setup(t, parchmenttest.Config{ListShape: shape})
			people := rostertest.Staff(2)
			rows := rowsOf(t, people)
			// Made by another tool before this ledger existed, with a stale name.
			seeded, err := f.server.SeedUser(f.org, parchmenttest.User{
				ExternalUserID: people[1].ID, Email: people[1].Email, GivenName: "Stale", FamilyName: "Name",
				FullName: "Stale Name", AccessRoles: []string{"admin"},
			})
			require.NoError(t, err)

			r := f.apply(rows)
			require.Equal(t, psync.Counts{Create: 1, Adopt: 1}, r.Counts)
			c := changeOf(r, people[1].ID)
			require.Equal(t, seeded.UserID, c.ParchmentUserID)
			require.ElementsMatch(t, []string{mapping.FieldAccessRoles, mapping.FieldGivenName, mapping.FieldFamilyName}, c.Fields)
			u := f.user(people[1].ID)
			require.Equal(t, people[1].Given+" "+people[1].Family, u.FullName)
			require.Equal(t, []string{"receptionist"}, u.AccessRoles)
			f.requireOnePerPerson(rows)
			require.Equal(t, psync.Counts{Unchanged: 2}, f.apply(rows).Counts)
		})
	}
}

func TestEmailSharedByTwoUsersIsNeverGuessed(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := adminRows(t, 1)
	email := rows[0].Record.Email
	api := &scriptedAPI{
		create: func(int, parchment.CreateUserRequest) (*parchment.CreateResult, error) {
			return nil, &parchment.Error{Op: "create user", Status: 409, Code: parchment.CodeUserAlreadyExists, RequestID: "req_409"}
		},
		list: func() (*parchment.UserList, error) {
			return &parchment.UserList{Users: []parchment.ListedUser{
				{UserID: "usr_a", Email: email}, {UserID: "usr_b", Email: strings.ToUpper(email)},
			}}, nil
		},
	}
	r, err := psync.Apply(context.Background(), f.config(api), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Failed: 1}, r.Counts)
	require.Contains(t, r.Failures[0].Message, "share this email")
	require.NotContains(t, mustEntries(t, f), rows[0].Record.ExternalUserID, "no intent is left behind")
}

func mustEntries(t *testing.T, f *fixture) map[string]psync.Entry {
	t.Helper()
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	return entries
}

func TestRefreshOverwritesHandEditsAndNamesDeletedUsers(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	rows := rowsOf(t, people)
	f.apply(rows)

	// Someone renames a user and changes a role in the portal.
	edited := f.user(people[1].ID)
	_, err := f.client(nil).UpdateUser(context.Background(), edited.UserID, parchment.UpdateUserRequest{FullName: "Hand Edited"})
	require.NoError(t, err)
	_, err = f.client(nil).UpdateRoles(context.Background(), edited.UserID, []string{"admin"})
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 4}, f.apply(rows).Counts, "without a refresh the ledger cannot see it")

	// And a user the ledger maps is gone from Parchment (deleted there).
	gone := rostertest.Person{ID: "EMP9000", Given: "Gone", Family: "Person", Email: "gone@clinic.example", Roles: "admin"}
	rows = rowsOf(t, append(people, gone))
	e := psync.Entry{ExternalUserID: gone.ID, ParchmentUserID: "usr_deleted", State: psync.StateSynced, Email: gone.Email, Fields: rows[4].Record.Fields()}
	require.NoError(t, f.store.Commit(context.Background(), f.org, psync.Commit{Entry: &e}))

	refresh := func(c *psync.Config) { c.Refresh = true }
	plan, err := psync.Plan(context.Background(), func() psync.Config { c := f.config(f.client(nil)); refresh(&c); return c }(), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Update: 1, Unchanged: 3, Failed: 1}, plan.Counts)

	r, err := f.applyWith(rows, refresh)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Update: 1, Unchanged: 3, Failed: 1}, r.Counts)
	c := changeOf(r, people[1].ID)
	require.ElementsMatch(t, []string{mapping.FieldGivenName, mapping.FieldFamilyName, mapping.FieldAccessRoles}, c.Drift)
	require.Equal(t, people[1].Given+" "+people[1].Family, f.user(people[1].ID).FullName)
	require.Equal(t, []string{"receptionist"}, f.user(people[1].ID).AccessRoles)
	require.Len(t, r.Failures, 1)
	require.Equal(t, 404, r.Failures[0].HTTPStatus)
	require.Contains(t, r.Failures[0].Message, "usr_deleted")
	require.Contains(t, r.Failures[0].Message, "deleted in Parchment")
	require.Equal(t, rows[4].Line, r.Failures[0].Line)

	again, err := f.applyWith(rows, refresh)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Unchanged: 4, Failed: 1}, again.Counts)
}

func TestMissingUpdateScopeBlocksChangesNotCreates(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	f.apply(rowsOf(t, people))
	f.server.AllowScopes(f.org, "create:user", "read:user", "read:users")

	people[1].Family = "Renamed"
	people[2].Roles = "admin"
	people = append(people, rostertest.Person{ID: "EMP9000", Given: "New", Family: "Joiner", Email: "joiner@clinic.example", Roles: "admin"})
	cfg := f.config(f.partnerClient())
	r, err := psync.Apply(context.Background(), cfg, rowsOf(t, people))
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Create: 1, Failed: 2, Unchanged: 2}, r.Counts)
	require.NotEmpty(t, r.Warnings, "said before sending")
	require.Contains(t, r.Warnings[0], "update:user")
	for _, fl := range r.Failures {
		require.Contains(t, fl.Message, "update:user")
	}
	require.Zero(t, f.server.Counters().Requests["update"], "nothing the token cannot do is sent")
}

func TestForbiddenChangeStopsThatKindOnly(t *testing.T) {
	t.Parallel()
	// A ready token's scopes are unknown until Parchment refuses: this
	// gateway refuses general updates as an organisation without
	// update:user would.
	forbidUpdates := false
	f := setupBehind(t, parchmenttest.Config{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if forbidUpdates && r.Method == http.MethodPut && !strings.HasSuffix(r.URL.Path, "/roles") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"success":false,"statusCode":403,"error":{"type":"https://parchment.health/errors/insufficient-scope","title":"Insufficient permissions","detail":"This operation requires the 'update:user' scope"},"requestId":"req_403"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	people := rostertest.Staff(8)
	f.apply(rowsOf(t, people))
	forbidUpdates = true

	for i := 1; i < 4; i++ {
		people[i].Family = "Renamed"
	}
	people[5].Roles = "admin"
	people = append(people, rostertest.Person{ID: "EMP9000", Given: "New", Family: "Joiner", Email: "joiner@clinic.example", Roles: "admin"})
	r, err := f.applyWith(rowsOf(t, people), func(c *psync.Config) { c.Concurrency = 8 })
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Create: 1, Update: 1, Failed: 3, Unchanged: 4}, r.Counts)
	require.Equal(t, []string{"admin"}, f.user(people[5].ID).AccessRoles, "the roles call is another kind")
	var sent int
	for _, fl := range r.Failures {
		require.Contains(t, fl.Message, "update:user")
		if fl.HTTPStatus == http.StatusForbidden {
			sent++
			require.Equal(t, "req_403", fl.RequestID)
		}
	}
	require.Equal(t, 1, sent, "the first refusal stops the kind: the others are not sent")
}

func TestLostCreateLandingOnAnotherEmailNeedsAPerson(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := adminRows(t, 1)
	rec := rows[0].Record
	// A dead run left the intent; Parchment holds our id on someone else.
	e := psync.Entry{ExternalUserID: rec.ExternalUserID, State: psync.StatePending, Email: rec.Email, Fields: rec.Fields()}
	require.NoError(t, f.store.Commit(context.Background(), f.org, psync.Commit{Entry: &e}))
	_, err := f.server.SeedUser(f.org, parchmenttest.User{ExternalUserID: rec.ExternalUserID, Email: "old.address@clinic.example", GivenName: "A", FamilyName: "B"})
	require.NoError(t, err)

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Failed: 1}, r.Counts)
	require.Contains(t, r.Failures[0].Message, "another email")
	require.Zero(t, f.creates(), "found by look-up: nothing is sent again")
	require.NotContains(t, mustEntries(t, f), rec.ExternalUserID)
}

func TestRenamedNonProviderSettlesUnderRefresh(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	f.apply(rowsOf(t, people))
	people[1].Given = "Renamed"
	rows := rowsOf(t, people)
	require.Equal(t, 1, f.apply(rows).Counts.Update)
	refresh := func(c *psync.Config) { c.Refresh = true }
	for range 2 {
		r, err := f.applyWith(rows, refresh)
		require.NoError(t, err)
		require.Equal(t, psync.Counts{Unchanged: 2}, r.Counts, "the full name is all an update can change")
	}
}

func TestUserDisabledByHandIsEnabledAgain(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	rows := rowsOf(t, people)
	f.apply(rows)
	u := f.user(people[1].ID)
	_, err := f.client(nil).DisableUser(context.Background(), u.UserID)
	require.NoError(t, err)

	r, err := f.applyWith(rows, func(c *psync.Config) { c.Refresh = true })
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Enable: 1, Unchanged: 1}, r.Counts)
	back := f.user(people[1].ID)
	require.False(t, back.Disabled)
	require.Equal(t, []string{"receptionist"}, back.AccessRoles)
}

func TestLeaversReportIsNeverHeld(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(20)
	f.apply(rowsOf(t, people))
	r, err := f.applyWith(rowsOf(t, people[:5]), func(c *psync.Config) { c.Leavers = psync.LeaversReport })
	require.NoError(t, err, "nobody's access is taken, so nothing is held")
	require.Equal(t, psync.Counts{Orphaned: 15, Unchanged: 5}, r.Counts)
}

func TestUnreachableParchmentAbortsTheRun(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	api := f.client(func(c *parchment.Config) {
		c.BaseURL = "http://127.0.0.1:1/external" // nothing listens there
		c.MaxAttempts = 2
	})
	rows := adminRows(t, 20)
	r, err := psync.Apply(context.Background(), f.config(api), rows)
	var abort *psync.AbortError
	require.ErrorAs(t, err, &abort)
	require.Contains(t, err.Error(), "unreachable")
	require.Less(t, r.Counts.Failed, 20, "the run stopped instead of timing out row by row")
}
