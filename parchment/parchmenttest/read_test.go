package parchmenttest_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	a := send(t, s, http.MethodGet, "/v1/organizations/any-org/validate", nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, true, a.Data["validated"])
}

func TestListUsersPages(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	for i := range 25 {
		_, err := s.SeedUser(org, parchmenttest.User{ExternalUserID: fmt.Sprint("E", i), Email: fmt.Sprintf("u%d@example.com", i)})
		require.NoError(t, err)
	}
	var got []string
	key := ""
	for pages := 1; ; pages++ {
		q := url.Values{"limit": {"10"}}
		if key != "" {
			q.Set("lastKey", key)
		}
		a := send(t, s, http.MethodGet, usersPath(org)+"?"+q.Encode(), nil)
		require.Equal(t, http.StatusOK, a.Status)
		for _, u := range a.Data["users"].([]any) {
			m := u.(map[string]any)
			require.NotEmpty(t, m["user_id"])
			require.NotContains(t, m, "email", "the paged version lists no email")
			got = append(got, m["external_user_id"].(string))
		}
		p := a.Data["pagination"].(map[string]any)
		require.EqualValues(t, 25, p["total"])
		require.EqualValues(t, 10, p["limit"])
		if p["lastKey"] == nil {
			require.Equal(t, 3, pages)
			break
		}
		key = p["lastKey"].(string)
	}
	require.Len(t, got, 25)
	require.Equal(t, "E0", got[0])
	require.Equal(t, "E24", got[24])
}

func TestListUsersRejectsBadQueries(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	for _, limit := range []string{"0", "101", "ten"} {
		a := send(t, s, http.MethodGet, usersPath(org)+"?limit="+limit, nil)
		require.Equal(t, http.StatusUnprocessableEntity, a.Status, limit)
		require.Equal(t, []string{"limit"}, a.fields())
	}
	require.Equal(t, http.StatusBadRequest, send(t, s, http.MethodGet, usersPath(org)+"?lastKey=nope", nil).Status)
}

func TestListUsersPagedFields(t *testing.T) {
	t.Parallel()
	s, id, staffID := seeded(t)
	_, err := s.SeedUser(org, parchmenttest.User{Email: "portal@example.com", GivenName: "Pat", FamilyName: "Lee"})
	require.NoError(t, err)
	a := send(t, s, http.MethodGet, usersPath(org), nil)
	require.Equal(t, "Users retrieved successfully", a.Message)
	users := a.Data["users"].([]any)
	require.Equal(t, []any{
		map[string]any{"user_id": id, "external_user_id": "P1", "full_name": "Darlene Cameron", "access_roles": []any{"provider"}},
		map[string]any{"user_id": staffID, "external_user_id": "R1", "full_name": "", "access_roles": []any{"receptionist"}},
		map[string]any{"user_id": s.Snapshot(org)[2].UserID, "external_user_id": nil, "full_name": "Pat Lee", "access_roles": []any{}},
	}, users)
	require.Equal(t, map[string]any{"total": 3.0, "limit": 20.0}, a.Data["pagination"], "no lastKey on the last page")
}

func TestListUsersLastKeyIsOpaque(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	a := send(t, s, http.MethodGet, usersPath(org)+"?limit=1", nil)
	key := a.Data["pagination"].(map[string]any)["lastKey"].(string)
	require.NotEqual(t, id, key)
	raw, err := base64.RawURLEncoding.DecodeString(key)
	require.NoError(t, err)
	require.JSONEq(t, `{"user_id":"`+id+`"}`, string(raw), "read as the example's key reads")
	require.Equal(t, http.StatusBadRequest, send(t, s, http.MethodGet, usersPath(org)+"?lastKey="+id, nil).Status, "a raw user id is no key")
}

func TestListUsersBare(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{ListShape: parchmenttest.ListBare})
	status, body := sendRaw(t, s, http.MethodGet, usersPath(org), nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "Retrieved 0 users successfully", body["message"])
	require.Equal(t, []any{}, body["data"], "an empty array, not null")
	require.NotContains(t, body, "pagination")

	for i := range 25 {
		_, err := s.SeedUser(org, parchmenttest.User{ExternalUserID: fmt.Sprint("E", i), Email: fmt.Sprintf("u%d@example.com", i)})
		require.NoError(t, err)
	}
	// No pagination: limit and lastKey are not read, every user comes.
	status, body = sendRaw(t, s, http.MethodGet, usersPath(org)+"?limit=10&lastKey=whatever", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "Retrieved 25 users successfully", body["message"])
	data := body["data"].([]any)
	require.Len(t, data, 25)
	first := s.Snapshot(org)[0]
	require.Equal(t, map[string]any{"user_id": first.UserID, "email": "u0@example.com"}, data[0])
}

func TestGetUser(t *testing.T) {
	t.Parallel()
	s, id, staffID := seeded(t)
	a := send(t, s, http.MethodGet, usersPath(org)+"/"+id, nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "User details retrieved successfully", a.Message)
	require.Equal(t, id, a.Data["user_id"])
	require.Equal(t, "P1", a.Data["external_user_id"])
	require.Equal(t, "p@example.com", a.Data["email"])
	require.Equal(t, []any{"provider"}, a.Data["access_roles"])
	require.NotContains(t, a.Data, "status", "no field says whether a user is disabled")
	details := a.Data["details"].(map[string]any)
	require.Equal(t, "Darlene", details["given_name"])
	require.Equal(t, "1969-10-02T00:00:00.000Z", details["date_of_birth"], "a full ISO timestamp")
	require.Nil(t, details["title"])
	provider := a.Data["provider_details"].(map[string]any)
	require.Equal(t, "1234567", provider["prescriber_number"])
	require.Equal(t, "1969-10-02T00:00:00.000Z", provider["date_of_birth"])
	require.NotContains(t, provider, "australian_address", "only when the user has one")

	a = send(t, s, http.MethodGet, usersPath(org)+"/"+staffID, nil)
	require.NotContains(t, a.Data, "provider_details", "only providers have provider details")
	require.Contains(t, a.Data, "details")
	require.Nil(t, a.Data["details"].(map[string]any)["date_of_birth"])
	require.Equal(t, http.StatusNotFound, send(t, s, http.MethodGet, usersPath(org)+"/usr_nobody", nil).Status)
}

func TestGetUserOlderShape(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{GetShape: parchmenttest.GetOlder})
	u, err := s.SeedUser(org, parchmenttest.User{
		ExternalUserID: "P1", Email: "p@example.com", GivenName: "Darlene", FamilyName: "Cameron",
		AccessRoles: []string{"provider"}, Title: "Dr", DateOfBirth: "1969-10-02", PrescriberNumber: "1234567",
	})
	require.NoError(t, err)
	a := send(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil)
	require.Equal(t, "User retrieved successfully", a.Message)
	require.Equal(t, map[string]any{
		"user_id": u.UserID, "external_user_id": "P1", "email": "p@example.com",
		"full_name": "Dr Darlene Cameron", "access_roles": []any{"provider"}, "title": "Dr",
	}, a.Data, "no details or provider_details, even for a provider")
}

func TestEscapedUserID(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	_, err := s.SeedUser(org, parchmenttest.User{UserID: "usr/odd id", Email: "odd@example.com"})
	require.NoError(t, err)
	a := send(t, s, http.MethodGet, usersPath(org)+"/"+url.PathEscape("usr/odd id"), nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "usr/odd id", a.Data["user_id"])
}

func TestUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	require.Equal(t, http.StatusNotFound, send(t, s, http.MethodGet, "/v2/nothing", nil).Status)
	a := send(t, s, http.MethodDelete, usersPath(org), nil)
	require.Equal(t, http.StatusMethodNotAllowed, a.Status)
	require.False(t, a.Success)
}

func TestSeedUserRefusesDuplicates(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	_, err := s.SeedUser(org, parchmenttest.User{UserID: id, Email: "x@example.com"})
	require.Error(t, err)
	_, err = s.SeedUser(org, parchmenttest.User{ExternalUserID: "P1", Email: "y@example.com"})
	require.Error(t, err)
	_, err = s.SeedUser(org, parchmenttest.User{ExternalUserID: "P9", Email: "P@EXAMPLE.com"})
	require.Error(t, err)
}

func TestTitledNames(t *testing.T) {
	t.Parallel()
	for _, untitled := range []bool{false, true} {
		s := start(t, parchmenttest.Config{UntitledNames: untitled})
		u, err := s.SeedUser(org, fixtureUser())
		require.NoError(t, err)
		want := "Dr Aroha Ngata"
		if untitled {
			want = "Aroha Ngata"
		}
		a := send(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil)
		require.Equal(t, want, a.Data["full_name"])
		require.Equal(t, "Dr", a.Data["details"].(map[string]any)["title"])
		require.Equal(t, "Aroha", a.Data["details"].(map[string]any)["given_name"])
		a = send(t, s, http.MethodGet, usersPath(org), nil)
		require.Equal(t, want, a.Data["users"].([]any)[0].(map[string]any)["full_name"], "lists too")
		require.Equal(t, "Aroha Ngata", s.Snapshot(org)[0].FullName, "stored without the title")
	}

	s := start(t, parchmenttest.Config{})
	u, err := s.SeedUser(org, fixtureUser())
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath(org)+"/"+u.UserID, `{"full_name":"Aroha Ngata-Reid"}`).Status)
	require.Equal(t, "Dr Aroha Ngata-Reid", send(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil).Data["full_name"])
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath(org)+"/"+u.UserID, `{"full_name":"Dr Aroha Ngata"}`).Status)
	require.Equal(t, "Dr Aroha Ngata", send(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil).Data["full_name"], "never twice")
}

func TestReadSexNotStated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		readN bool
		want  string
	}{{false, "O"}, {true, "N"}} {
		s := start(t, parchmenttest.Config{ReadSexN: tc.readN})
		a := send(t, s, http.MethodPost, usersPath(org), with(prescriber("P1", "p@example.com"), map[string]any{"sex": "N"}))
		require.Equal(t, http.StatusCreated, a.Status)
		a = send(t, s, http.MethodGet, usersPath(org)+"/"+a.Data["parchment_user_id"].(string), nil)
		require.Equal(t, tc.want, a.Data["details"].(map[string]any)["sex"])
		require.Equal(t, tc.want, a.Data["provider_details"].(map[string]any)["sex"])
		require.Equal(t, "N", s.Snapshot(org)[0].Sex, "stored as sent")
	}
}

func TestNullProviderDetails(t *testing.T) {
	t.Parallel()
	for _, null := range []bool{false, true} {
		s := start(t, parchmenttest.Config{NullProviderDetails: null})
		u, err := s.SeedUser(org, parchmenttest.User{Email: "r@example.com", GivenName: "Rose", FamilyName: "Tyler", AccessRoles: []string{"receptionist"}})
		require.NoError(t, err)
		a := send(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil)
		if null {
			require.Contains(t, a.Data, "provider_details")
			require.Nil(t, a.Data["provider_details"])
		} else {
			require.NotContains(t, a.Data, "provider_details", "the get page: non-providers have no such field")
		}
	}
}

func TestListUsersTopLevelPagination(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{ListShape: parchmenttest.ListTopLevel})
	for i := range 5 {
		_, err := s.SeedUser(org, parchmenttest.User{Email: fmt.Sprintf("u%d@example.com", i)})
		require.NoError(t, err)
	}
	var emails []string
	key := ""
	for offset := 0; ; offset += 2 {
		q := url.Values{"limit": {"2"}}
		if key != "" {
			q.Set("lastKey", key)
		}
		status, body := sendRaw(t, s, http.MethodGet, usersPath(org)+"?"+q.Encode(), nil)
		require.Equal(t, http.StatusOK, status)
		for _, u := range body["data"].([]any) {
			emails = append(emails, u.(map[string]any)["email"].(string))
		}
		p := body["pagination"].(map[string]any)
		require.EqualValues(t, offset, p["offset"])
		require.EqualValues(t, 2, p["limit"])
		require.EqualValues(t, len(body["data"].([]any)), p["count"])
		if p["hasNext"] != true {
			require.Contains(t, p, "lastKey")
			require.Nil(t, p["lastKey"], "null on the last page")
			break
		}
		key = p["lastKey"].(string)
	}
	require.Equal(t, []string{"u0@example.com", "u1@example.com", "u2@example.com", "u3@example.com", "u4@example.com"}, emails)
}
