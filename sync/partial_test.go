package sync_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestFailedProviderPartIsSentAgain(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(1)
	// A Medicare number (8 characters) could never pass the update page's
	// 9-character rule, so this provider has none.
	people[0].ProviderNumber = ""
	rows := rowsOf(t, people)
	f.server.AnswerCreateWith(people[0].ID, parchmenttest.ProviderCreationFailed)

	first := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 1}, first.Counts)
	require.Contains(t, first.Changes[0].Note, "provider part failed")
	require.Empty(t, f.server.Snapshot(f.org)[0].HPIINumber, "the provider part failed")

	second := f.apply(rows)
	require.Equal(t, psync.Counts{Update: 1}, second.Counts)
	var body struct {
		ProviderDetails map[string]string `json:"provider_details"`
	}
	require.NoError(t, json.Unmarshal(f.server.UpdateLog()[0].Body, &body))
	require.Equal(t, people[0].HPII, body.ProviderDetails["hpii_number"])
	require.Equal(t, "M", body.ProviderDetails["prescriber_type"])
	require.Equal(t, people[0].HPII, f.server.Snapshot(f.org)[0].HPIINumber)

	require.Equal(t, psync.Counts{Unchanged: 1}, f.apply(rows).Counts)
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
