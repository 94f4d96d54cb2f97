package parchmenttest_test

import (
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
			require.NotEmpty(t, m["email"])
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

func TestGetUser(t *testing.T) {
	t.Parallel()
	s, id, staffID := seeded(t)
	a := send(t, s, http.MethodGet, usersPath(org)+"/"+id, nil)
	require.Equal(t, http.StatusOK, a.Status)
	details := a.Data["details"].(map[string]any)
	require.Equal(t, id, details["user_id"])
	require.Equal(t, "P1", details["external_user_id"])
	require.Equal(t, "active", details["status"])
	require.Equal(t, "1234567", a.Data["provider_details"].(map[string]any)["prescriber_number"])

	a = send(t, s, http.MethodGet, usersPath(org)+"/"+staffID, nil)
	require.Nil(t, a.Data["provider_details"])
	require.Equal(t, http.StatusNotFound, send(t, s, http.MethodGet, usersPath(org)+"/usr_nobody", nil).Status)
}

func TestEscapedUserID(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	_, err := s.SeedUser(org, parchmenttest.User{UserID: "usr/odd id", Email: "odd@example.com"})
	require.NoError(t, err)
	a := send(t, s, http.MethodGet, usersPath(org)+"/"+url.PathEscape("usr/odd id"), nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "usr/odd id", a.Data["details"].(map[string]any)["user_id"])
}

func TestDisableEnable(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	path := usersPath(org) + "/" + id
	require.Equal(t, "User disabled successfully", send(t, s, http.MethodPut, path+"/disable", nil).Message)
	require.Equal(t, "User is already disabled", send(t, s, http.MethodPut, path+"/disable", nil).Message)
	require.True(t, s.Snapshot(org)[0].Disabled)
	require.Equal(t, "disabled", send(t, s, http.MethodGet, path, nil).Data["details"].(map[string]any)["status"])
	require.Equal(t, "User enabled successfully", send(t, s, http.MethodPut, path+"/enable", nil).Message)
	require.Equal(t, "User is already enabled", send(t, s, http.MethodPut, path+"/enable", nil).Message)
	require.Equal(t, http.StatusNotFound, send(t, s, http.MethodPut, usersPath(org)+"/usr_x/enable", nil).Status)
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
