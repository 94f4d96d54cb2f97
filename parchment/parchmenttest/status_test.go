package parchmenttest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestDisableDowngradesToMember(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	path := usersPath(org) + "/" + id
	require.Equal(t, "User disabled successfully", send(t, s, http.MethodPut, path+"/disable", nil).Message)
	u := s.Snapshot(org)[0]
	require.True(t, u.Disabled)
	require.Equal(t, []string{"member"}, u.AccessRoles)

	a := send(t, s, http.MethodPut, path+"/disable", nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "User is already disabled", a.Message)
	require.Equal(t, id, a.Data["user_id"])

	got := send(t, s, http.MethodGet, path, nil).Data
	require.Equal(t, []any{"member"}, got["access_roles"])
	require.NotContains(t, got, "status", "no field says whether a user is disabled")
	require.NotContains(t, got, "provider_details", "no longer a provider")
}

func TestEnableKeepsMember(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	path := usersPath(org) + "/" + id
	a := send(t, s, http.MethodPut, path+"/enable", nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "User is already enabled", a.Message)
	require.Equal(t, []string{"provider"}, s.Snapshot(org)[0].AccessRoles, "already enabled: nothing changes")

	send(t, s, http.MethodPut, path+"/disable", nil)
	require.Equal(t, "User enabled successfully", send(t, s, http.MethodPut, path+"/enable", nil).Message)
	u := s.Snapshot(org)[0]
	require.False(t, u.Disabled)
	require.Equal(t, []string{"member"}, u.AccessRoles, "roles stay member until a roles call")

	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, rolesPath(id), map[string]any{"access_roles": []string{"provider"}}).Status)
	require.Equal(t, []string{"provider"}, s.Snapshot(org)[0].AccessRoles)
	require.Equal(t, "1234567", s.Snapshot(org)[0].PrescriberNumber, "provider details survive the round trip")
}

func TestDisableEnableUnknownUser(t *testing.T) {
	t.Parallel()
	s, _, _ := seeded(t)
	for _, action := range []string{"disable", "enable"} {
		a := send(t, s, http.MethodPut, usersPath(org)+"/usr_x/"+action, nil)
		require.Equal(t, http.StatusNotFound, a.Status, action)
		require.Equal(t, "User not found", a.Error.Detail)
	}
}

func TestDisableEnableScopes(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	path := usersPath(org) + "/" + id
	// delete:user without update:user is not enough: the notes require
	// update:user, though the disable 403 names delete:user.
	s.AllowScopes(org, "create:user", "read:user", "read:users", "delete:user")
	a := send(t, s, http.MethodPut, path+"/disable", nil)
	require.Equal(t, http.StatusForbidden, a.Status)
	require.Equal(t, "https://parchment.health/errors/insufficient-scope", a.Error.Type)
	require.Equal(t, "This operation requires the 'delete:user' scope", a.Error.Detail)
	a = send(t, s, http.MethodPut, path+"/enable", nil)
	require.Equal(t, http.StatusForbidden, a.Status)
	require.Equal(t, "This operation requires the 'update:user' scope", a.Error.Detail)
	require.False(t, s.Snapshot(org)[0].Disabled)

	s.AllowScopes(org, "update:user")
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, path+"/disable", nil).Status, "update:user alone suffices")
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, path+"/enable", nil).Status)
	c := s.Counters()
	require.Equal(t, 2, c.Forbidden)
	require.Equal(t, 2, c.Requests["disable"])
}

func TestDisableEnableMayBeDropped(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{DropRate: 1})
	u, err := s.SeedUser(org, parchmenttest.User{Email: "a@example.com", AccessRoles: []string{"admin"}})
	require.NoError(t, err)
	require.Error(t, put(t, s, usersPath(org)+"/"+u.UserID+"/disable"))
	require.True(t, s.Snapshot(org)[0].Disabled)
	// An idempotent answer changed nothing, so it is never dropped.
	require.Equal(t, "User is already disabled", send(t, s, http.MethodPut, usersPath(org)+"/"+u.UserID+"/disable", nil).Message)
	require.Equal(t, 1, s.Counters().Drops)
}

// put sends an empty PUT without checking the answer.
func put(t *testing.T, s *parchmenttest.Server, path string) error {
	t.Helper()
	req, err := newRequest(t.Context(), s, http.MethodPut, path, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
