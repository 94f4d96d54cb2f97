package parchmenttest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// seeded starts a stand-in holding one prescriber and one receptionist.
func seeded(t *testing.T) (s *parchmenttest.Server, providerID, staffID string) {
	t.Helper()
	s = start(t, parchmenttest.Config{})
	p, err := s.SeedUser(org, parchmenttest.User{
		ExternalUserID: "P1", Email: "p@example.com", GivenName: "Darlene", FamilyName: "Cameron",
		FullName: "Darlene Cameron", AccessRoles: []string{"provider"}, PrescriberType: "M",
		PrescriberNumber: "1234567", Qualifications: "MBBS", DateOfBirth: "1969-10-02",
	})
	require.NoError(t, err)
	r, err := s.SeedUser(org, parchmenttest.User{ExternalUserID: "R1", Email: "r@example.com", AccessRoles: []string{"receptionist"}})
	require.NoError(t, err)
	return s, p.UserID, r.UserID
}

func TestUpdateUserPartial(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	body := `{"full_name":"Darlene Scott","email":"new@example.com","access_roles":["admin"],` +
		`"provider_details":{"family_name":"Scott","provider_number":"2426621BXYZ"}}`
	a := send(t, s, http.MethodPut, usersPath(org)+"/"+id, body)
	require.Equal(t, http.StatusUnprocessableEntity, a.Status, "provider number has at most 10 characters")
	require.Equal(t, []string{"provider_number"}, a.fields())

	// A Medicare provider number has 8 characters: the newer page takes it.
	body = `{"full_name":"Darlene Scott","email":"new@example.com","access_roles":["admin"],` +
		`"provider_details":{"family_name":"Scott","provider_number":"2426621B"}}`
	a = send(t, s, http.MethodPut, usersPath(org)+"/"+id, body)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "User updated successfully", a.Message)
	require.Equal(t, id, a.Data["user_id"])

	u := s.Snapshot(org)[0]
	require.Equal(t, "Darlene Scott", u.FullName)
	require.Equal(t, "Scott", u.FamilyName)
	require.Equal(t, "Darlene", u.GivenName, "fields not sent are kept")
	require.Equal(t, "1234567", u.PrescriberNumber)
	require.Equal(t, "2426621B", u.ProviderNumber)
	require.Equal(t, "p@example.com", u.Email, "email is ignored")
	require.Equal(t, []string{"provider"}, u.AccessRoles, "access roles are ignored")

	log := s.UpdateLog()
	require.Len(t, log, 2)
	require.Equal(t, http.StatusUnprocessableEntity, log[0].Status)
	require.Equal(t, http.StatusOK, log[1].Status)
	require.Equal(t, id, log[1].UserID)
	require.Equal(t, org, log[1].OrganizationID)
	require.JSONEq(t, body, string(log[1].Body))
	require.Equal(t, 1, s.Counters().Updates)
}

func TestUpdateUserValidation(t *testing.T) {
	t.Parallel()
	s, id, staffID := seeded(t)
	cases := []struct {
		name   string
		user   string
		body   string
		fields []string
	}{
		{"empty full name", id, `{"full_name":""}`, []string{"full_name"}},
		{"empty prescriber number", id, `{"provider_details":{"prescriber_number":""}}`, []string{"prescriber_number"}},
		{"prescriber number of 11", id, `{"provider_details":{"prescriber_number":"12345678901"}}`, []string{"prescriber_number"}},
		{"empty provider number", id, `{"provider_details":{"provider_number":""}}`, []string{"provider_number"}},
		{"provider number of 11", id, `{"provider_details":{"provider_number":"2426621BXYZ"}}`, []string{"provider_number"}},
		{"provider number of 15, which create allows", id, `{"provider_details":{"provider_number":"123456789012345"}}`, []string{"provider_number"}},
		{"type without qualifications", id, `{"provider_details":{"prescriber_type":"M","prescriber_number":"1234567"}}`, []string{"provider_details"}},
		{"type without prescriber number", id, `{"provider_details":{"prescriber_type":"M","qualifications":"MBBS"}}`, []string{"provider_details"}},
		{"unknown type", id, `{"provider_details":{"prescriber_type":"P","qualifications":"MBBS","prescriber_number":"1234567"}}`, []string{"prescriber_type"}},
		{"bad date and sex", id, `{"provider_details":{"date_of_birth":"1969-13-02","sex":"O"}}`, []string{"date_of_birth", "sex"}},
		{"bad hpii and phone", id, `{"provider_details":{"hpii_number":"123","phone":"(03) 1234 5678"}}`, []string{"hpii_number", "phone"}},
		{"provider details on a receptionist", staffID, `{"provider_details":{"title":"Dr"}}`, []string{"provider_details"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := send(t, s, http.MethodPut, usersPath(org)+"/"+tc.user, tc.body)
			require.Equal(t, http.StatusUnprocessableEntity, a.Status)
			require.Equal(t, tc.fields, a.fields())
		})
	}
}

func TestUpdateUserAccepts(t *testing.T) {
	t.Parallel()
	s, id, staffID := seeded(t)
	for _, body := range []string{
		// The newer page's 1-10 for both numbers, not the first's 7 and 9.
		`{"provider_details":{"prescriber_number":"1"}}`,
		`{"provider_details":{"prescriber_number":"1234567890"}}`,
		`{"provider_details":{"prescriber_number":"123456"}}`,
		`{"provider_details":{"provider_number":"2426621B"}}`,
		`{"provider_details":{"provider_number":"A"}}`,
		`{"provider_details":{"provider_number":"123456789X"}}`,
		// Any characters since 2026-03-04: the alphanumeric rule was dropped.
		`{"provider_details":{"provider_number":"2426-621 B"}}`,
		`{"provider_details":{"prescriber_type":"T","qualifications":"BPod"}}`,
		`{"provider_details":{"prescriber_type":"M","qualifications":"MBBS","prescriber_number":"7654321"}}`,
		`{"provider_details":null}`,
		`{}`,
	} {
		require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath(org)+"/"+id, body).Status, body)
	}
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath(org)+"/"+staffID, `{"full_name":"Rose Tyler"}`).Status)
	require.Equal(t, "7654321", s.Snapshot(org)[0].PrescriberNumber)
}

func TestUpdateUnknownUser(t *testing.T) {
	t.Parallel()
	s, _, _ := seeded(t)
	a := send(t, s, http.MethodPut, usersPath(org)+"/usr_missing", `{"full_name":"X Y"}`)
	require.Equal(t, http.StatusNotFound, a.Status)
	require.Equal(t, "User not found", a.Error.Detail)
	require.Equal(t, "https://parchment.health/errors/not-found", a.Error.Type)
}

func TestUpdateLogKeepsRawBodies(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	send(t, s, http.MethodPut, usersPath(org)+"/"+id, "{oops")
	log := s.UpdateLog()
	require.Len(t, log, 1)
	require.Equal(t, http.StatusBadRequest, log[0].Status)
	require.Equal(t, json.RawMessage("{oops"), log[0].Body)
}
