package parchmenttest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestPartialProviderCreateLeavesNoProviderRecord(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{PartialProviderHPII: map[string]parchmenttest.CreateAnswer{"9560": parchmenttest.ProviderNotFound}})
	a := send(t, s, http.MethodPost, usersPath(org), with(prescriber("P1", "p@example.com"), map[string]any{"title": "Dr"}))
	require.Equal(t, http.StatusCreated, a.Status)
	require.Equal(t, "USER_CREATED_PROVIDER_NOT_FOUND", a.Code)
	require.Equal(t, "User created but provider not found", a.Message)
	id := a.Data["user_id"].(string)
	require.Equal(t, map[string]any{"user_id": id, "warning": "User created successfully but provider search failed"}, a.Data)
	require.Equal(t, 1, s.Counters().Creates, "the user exists")

	got := send(t, s, http.MethodGet, usersPath(org)+"/"+id, nil)
	require.Equal(t, []any{"admin", "provider"}, got.Data["access_roles"], "roles as sent")
	require.Contains(t, got.Data, "provider_details")
	require.Nil(t, got.Data["provider_details"], "no provider record")
	require.Equal(t, map[string]any{"given_name": "Darlene", "family_name": "Cameron", "title": "Dr", "date_of_birth": nil, "sex": nil},
		got.Data["details"])
	require.True(t, s.Snapshot(org)[0].ProviderMissing)

	// The update call carrying provider_details makes the record.
	fill := `{"provider_details":{"hpii_number":"8003614900029560","prescriber_type":"M","prescriber_number":"1234567",` +
		`"qualifications":"MBBS","date_of_birth":"1969-10-02","sex":"F"}}`
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath(org)+"/"+id, fill).Status)
	got = send(t, s, http.MethodGet, usersPath(org)+"/"+id, nil)
	details, _ := got.Data["provider_details"].(map[string]any)
	require.NotNil(t, details, "the record exists now")
	require.Equal(t, "8003614900029560", details["hpii_number"])
	require.Equal(t, "1234567", details["prescriber_number"])
	require.Nil(t, details["provider_number"], "what the create sent was not kept")
	require.False(t, s.Snapshot(org)[0].ProviderMissing)

	// Another HPI-I, and a create without the provider role, are clean.
	a = send(t, s, http.MethodPost, usersPath(org), with(prescriber("P2", "q@example.com"), map[string]any{"hpii_number": "8003610000000001"}))
	require.Equal(t, "USER_CREATED", a.Code)
	a = send(t, s, http.MethodPost, usersPath(org), with(staff("S1", "s@example.com"), map[string]any{"hpii_number": "8003614900029560"}))
	require.Equal(t, "USER_CREATED", a.Code)
}

func TestPartialProviderLongestSuffixWins(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{PartialProviderHPII: map[string]parchmenttest.CreateAnswer{
		"0": parchmenttest.ProviderNotFound, "60": parchmenttest.ProviderAlreadyExists,
	}})
	a := send(t, s, http.MethodPost, usersPath(org), prescriber("P1", "p@example.com"))
	require.Equal(t, "USER_CREATED_PROVIDER_ALREADY_EXISTS", a.Code)
	require.Equal(t, "User created successfully but provider creation failed", a.Data["warning"])
}

// partialCodes creates n providers and returns each answer's code.
func partialCodes(t *testing.T, s *parchmenttest.Server, n int) []string {
	t.Helper()
	var codes []string
	for i := range n {
		a := send(t, s, http.MethodPost, usersPath(org), prescriber(fmt.Sprint("P", i), fmt.Sprintf("p%d@example.com", i)))
		require.Equal(t, http.StatusCreated, a.Status)
		codes = append(codes, a.Code)
	}
	return codes
}

func TestPartialProviderRateIsSeeded(t *testing.T) {
	t.Parallel()
	cfg := parchmenttest.Config{PartialProviderRate: 0.5, Seed: 7}
	first := partialCodes(t, start(t, cfg), 20)
	require.Equal(t, first, partialCodes(t, start(t, cfg), 20), "the same seed, the same answers")
	require.Contains(t, first, "USER_CREATED")
	require.Contains(t, first, "USER_CREATED_PROVIDER_NOT_FOUND")
	require.Contains(t, first, "USER_CREATED_PROVIDER_ALREADY_EXISTS")

	all := start(t, parchmenttest.Config{PartialProviderRate: 1})
	require.NotContains(t, partialCodes(t, all, 5), "USER_CREATED")
	a := send(t, all, http.MethodPost, usersPath(org), staff("S1", "s@example.com"))
	require.Equal(t, "USER_CREATED", a.Code, "only the provider part can fail")
}
