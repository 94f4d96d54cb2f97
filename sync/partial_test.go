package sync_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestFailedProviderPartIsSentByUpdateAtOnce(t *testing.T) {
	t.Parallel()
	for _, answer := range []parchmenttest.CreateAnswer{parchmenttest.ProviderNotFound, parchmenttest.ProviderAlreadyExists} {
		t.Run(string(answer), func(t *testing.T) {
			t.Parallel()
			f := setup(t, parchmenttest.Config{})
			people := rostertest.Staff(1)
			rows := rowsOf(t, people)
			f.server.AnswerCreateWith(people[0].ID, answer)

			first := f.apply(rows)
			require.Equal(t, psync.Counts{Create: 1}, first.Counts, "Parchment accepted the provider fields by update")
			require.Contains(t, first.Changes[0].Note, string(answer), "the report names Parchment's code")
			require.Contains(t, first.Changes[0].Note, "User created successfully but provider")
			require.Len(t, f.server.UpdateLog(), 1)
			var body struct {
				ProviderDetails map[string]string `json:"provider_details"`
			}
			require.NoError(t, json.Unmarshal(f.server.UpdateLog()[0].Body, &body))
			require.Equal(t, people[0].HPII, body.ProviderDetails["hpii_number"])
			require.Equal(t, "M", body.ProviderDetails["prescriber_type"])
			require.Equal(t, "1234567", body.ProviderDetails["prescriber_number"])
			require.Equal(t, people[0].HPII, f.server.Snapshot(f.org)[0].HPIINumber)

			require.Equal(t, psync.Counts{Unchanged: 1}, f.apply(rows).Counts)
			f.requireOnePerPerson(rows)
		})
	}
}

func TestFailedProviderPartIsAFailureUntilSent(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(1)
	rows := rowsOf(t, people)
	f.server.AnswerCreateWith(people[0].ID, parchmenttest.ProviderNotFound)
	// The organisation does not allow updates yet: the provider part
	// cannot be sent this run.
	f.server.AllowScopes(f.org, "create:user", "read:user", "read:users")

	first := f.apply(rows)
	require.Equal(t, psync.Counts{Failed: 1}, first.Counts, "a prescriber without their provider record is never a clean create")
	require.Contains(t, first.Changes[0].Note, "USER_CREATED_PROVIDER_NOT_FOUND")
	require.Len(t, first.Failures, 1)
	require.Empty(t, f.server.Snapshot(f.org)[0].HPIINumber)
	require.Equal(t, 1, f.creates())

	f.server.AllowScopes(f.org, "create:user", "read:user", "read:users", "update:user")
	second := f.apply(rows)
	require.Equal(t, psync.Counts{Update: 1}, second.Counts, "the next run sends the provider fields by update")
	require.Equal(t, people[0].HPII, f.server.Snapshot(f.org)[0].HPIINumber)
	require.Equal(t, 1, f.creates(), "never a second create")
	require.Equal(t, psync.Counts{Unchanged: 1}, f.apply(rows).Counts)
}

func TestUserAlreadyExistsUnderA201IsAnAdopt(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{ExistsAs201: true})
	people := rostertest.Staff(2)
	rows := rowsOf(t, people)
	// Someone made the first person in the portal, without our partner id.
	_, err := f.server.SeedUser(f.org, parchmenttest.User{
		Email: people[0].Email, GivenName: people[0].Given, FamilyName: people[0].Family, AccessRoles: []string{"admin"},
	})
	require.NoError(t, err)

	r := f.apply(rows)
	require.Equal(t, 1, r.Counts.Adopt, "an existing user is adopted, never counted as a create")
	require.Equal(t, 1, r.Counts.Create)
	require.Contains(t, changeOf(r, people[0].ID).Note, "adopted")
	require.Len(t, f.server.Snapshot(f.org), 2, "no second user for the adopted person")
	require.Equal(t, psync.Counts{Unchanged: 2}, f.apply(rows).Counts)
}

func TestDemographicConflictIsMappedForReview(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(2)
	rows := rowsOf(t, people)
	f.server.AnswerCreateWith(people[1].ID, parchmenttest.DemographicConflict)

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 1, Adopt: 1}, r.Counts)
	var conflicted psync.Change
	for _, c := range r.Changes {
		if c.ExternalUserID == people[1].ID {
			conflicted = c
		}
	}
	require.Contains(t, conflicted.Note, "review")
	require.Empty(t, f.server.UpdateLog(), "the matched user already holds the roster's values")
	require.NotEmpty(t, conflicted.ParchmentUserID)
	f.requireOnePerPerson(rows)
}
