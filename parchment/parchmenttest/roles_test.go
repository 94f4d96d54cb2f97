package parchmenttest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func rolesPath(userID string) string { return usersPath(org) + "/" + userID + "/roles" }

func TestRolesReplaceCompletely(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	a := send(t, s, http.MethodPut, rolesPath(id), map[string]any{"access_roles": []string{"admin", "rx_reader", "admin", "receptionist"}})
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, "User roles updated successfully", a.Message)
	require.Equal(t, map[string]any{"user_id": id, "access_roles": []any{"admin", "rx_reader", "receptionist"}}, a.Data)
	require.Equal(t, []string{"admin", "rx_reader", "receptionist"}, s.Snapshot(org)[0].AccessRoles, "provider is gone: a replacement, not a merge")
	require.NotContains(t, send(t, s, http.MethodGet, usersPath(org)+"/"+id, nil).Data, "provider_details")

	a = send(t, s, http.MethodPut, rolesPath(id), map[string]any{"access_roles": []string{"provider", "receptionist"}})
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, []string{"provider", "receptionist"}, s.Snapshot(org)[0].AccessRoles)
	require.Equal(t, "1234567", s.Snapshot(org)[0].PrescriberNumber, "only roles change")

	c := s.Counters()
	require.Equal(t, 2, c.RoleUpdates)
	require.Equal(t, 2, c.Requests["roles"])
	require.Zero(t, c.Updates)
}

// The roles page's two 400 details.
const (
	invalidRoles        = "access_roles must be a non-empty array of valid roles"
	emptyAfterFiltering = "access_roles must contain at least one valid role after filtering"
)

func TestRolesRefusals(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	cases := []struct {
		name   string
		body   any
		detail string
	}{
		{"no roles", map[string]any{"access_roles": []string{}}, invalidRoles},
		{"roles left out", map[string]any{}, invalidRoles},
		{"owner", map[string]any{"access_roles": []string{"admin", "owner"}}, invalidRoles},
		{"support", map[string]any{"access_roles": []string{"support"}}, invalidRoles},
		{"member", map[string]any{"access_roles": []string{"member"}}, invalidRoles},
		{"unknown", map[string]any{"access_roles": []string{"doctor"}}, invalidRoles},
		{"rx_queue_manager, coming soon: filtered", map[string]any{"access_roles": []string{"rx_queue_manager"}}, emptyAfterFiltering},
		{"rx_reader without receptionist: filtered", map[string]any{"access_roles": []string{"rx_reader"}}, emptyAfterFiltering},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := send(t, s, http.MethodPut, rolesPath(id), tc.body)
			require.Equal(t, http.StatusBadRequest, a.Status)
			require.Equal(t, "https://parchment.health/errors/invalid-request", a.Error.Type)
			require.Equal(t, "Invalid request", a.Error.Title)
			require.Equal(t, tc.detail, a.Error.Detail)
		})
	}
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		a := send(t, s, http.MethodPut, rolesPath(id), `{"access_roles":"admin"}`)
		require.Equal(t, http.StatusBadRequest, a.Status)
		require.Equal(t, "Invalid request format", a.Error.Detail)
	})
	t.Cleanup(func() {
		require.Equal(t, []string{"provider"}, s.Snapshot(org)[0].AccessRoles, "no refused call changed roles")
		require.Zero(t, s.Counters().RoleUpdates)
	})
}

func TestRolesUnknownUser(t *testing.T) {
	t.Parallel()
	s, _, _ := seeded(t)
	a := send(t, s, http.MethodPut, rolesPath("usr_missing"), map[string]any{"access_roles": []string{"admin"}})
	require.Equal(t, http.StatusNotFound, a.Status)
	require.Equal(t, "User not found", a.Error.Detail)
}

func TestRolesConflictOnce(t *testing.T) {
	t.Parallel()
	s, id, staffID := seeded(t)
	s.AnswerRolesWithConflict(org, id)
	body := map[string]any{"access_roles": []string{"admin"}}
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, rolesPath(staffID), body).Status, "other users are not affected")
	require.Equal(t, http.StatusBadRequest, send(t, s, http.MethodPut, rolesPath(id), map[string]any{}).Status, "a refused call leaves the conflict pending")

	a := send(t, s, http.MethodPut, rolesPath(id), body)
	require.Equal(t, http.StatusConflict, a.Status)
	require.Equal(t, "role update conflict", a.Error.Detail)
	require.Equal(t, []string{"provider"}, s.Snapshot(org)[0].AccessRoles, "a conflict changes nothing")

	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, rolesPath(id), body).Status, "only the next call")
	require.Equal(t, []string{"admin"}, s.Snapshot(org)[0].AccessRoles)
}

func TestRolesNeedUpdateScope(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	s.AllowScopes(org, "create:user", "read:user", "read:users", "delete:user")
	a := send(t, s, http.MethodPut, rolesPath(id), map[string]any{"access_roles": []string{"admin"}})
	require.Equal(t, http.StatusForbidden, a.Status)
	require.Equal(t, "This operation requires the 'update:user' scope", a.Error.Detail)
}

func TestRolesMayBeDropped(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{DropRate: 1})
	u, err := s.SeedUser(org, parchmenttest.User{Email: "a@example.com", AccessRoles: []string{"receptionist"}})
	require.NoError(t, err)
	req, err := newRequest(t.Context(), s, http.MethodPut, rolesPath(u.UserID), map[string]any{"access_roles": []string{"admin"}})
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err, "no answer arrives")
	require.Equal(t, []string{"admin"}, s.Snapshot(org)[0].AccessRoles, "the change was applied")
	require.Equal(t, 1, s.Counters().Drops)
}

func TestRolesOtherMethod(t *testing.T) {
	t.Parallel()
	s, id, _ := seeded(t)
	require.Equal(t, http.StatusMethodNotAllowed, send(t, s, http.MethodPost, rolesPath(id), nil).Status)
}

func TestRolesFilterWhatTheServerDoesNotKeep(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{DropRoles: []string{"admin"}})
	u, err := s.SeedUser(org, parchmenttest.User{Email: "a@example.com", AccessRoles: []string{"provider"}})
	require.NoError(t, err)

	a := send(t, s, http.MethodPut, rolesPath(u.UserID), map[string]any{"access_roles": []string{"admin", "provider", "rx_reader"}})
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, []any{"provider"}, a.Data["access_roles"], "the answer is what the user now holds")
	require.Equal(t, []string{"provider"}, s.Snapshot(org)[0].AccessRoles)

	a = send(t, s, http.MethodPut, rolesPath(u.UserID), map[string]any{"access_roles": []string{"admin"}})
	require.Equal(t, http.StatusBadRequest, a.Status)
	require.Equal(t, emptyAfterFiltering, a.Error.Detail)
	require.Equal(t, []string{"provider"}, s.Snapshot(org)[0].AccessRoles, "a refusal changes nothing")

	a = send(t, s, http.MethodPut, rolesPath(u.UserID), map[string]any{"access_roles": []string{"receptionist", "rx_reader"}})
	require.Equal(t, []any{"receptionist", "rx_reader"}, a.Data["access_roles"], "rx_reader with receptionist is kept")
}
