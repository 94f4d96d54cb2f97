package parchmenttest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// tokenHeaders are valid partner credentials for org.
func tokenHeaders(orgID string) []string {
	return []string{
		"x-partner-id", parchmenttest.DefaultPartnerID,
		"x-partner-secret", parchmenttest.DefaultPartnerSecret,
		"x-organization-id", orgID,
		"x-user-id", "user_1",
	}
}

// issue exchanges the default partner credentials for a token.
func issue(t *testing.T, s *parchmenttest.Server, orgID string, scopes ...string) string {
	t.Helper()
	a := send(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials", "scope": scopes}, tokenHeaders(orgID)...)
	require.Equal(t, http.StatusOK, a.Status, a.Error.Detail)
	tok, _ := a.Data["accessToken"].(string)
	require.NotEmpty(t, tok)
	return tok
}

func TestTokenExchange(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{TokenTTL: 90 * time.Second})
	body := map[string]any{"grantType": "client_credentials", "scope": []string{"read:users"}}
	a := send(t, s, http.MethodPost, "/v1/token", body, tokenHeaders(org)...)
	require.Equal(t, http.StatusOK, a.Status)
	require.EqualValues(t, 90, a.Data["expiresIn"])
	require.Equal(t, "Bearer", a.Data["tokenType"])
	require.Equal(t, []any{"read:users"}, a.Data["scope"])

	bad := append(tokenHeaders(org), "x-partner-secret", "wrong")
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodPost, "/v1/token", body, bad...).Status)
	bad = append(tokenHeaders(org), "x-organization-secret", "wrong")
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodPost, "/v1/token", body, bad...).Status)
	bad = append(tokenHeaders(org), "x-user-id", "")
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodPost, "/v1/token", body, bad...).Status)

	a = send(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "password"}, tokenHeaders(org)...)
	require.Equal(t, http.StatusBadRequest, a.Status)
	// An unknown scope: openapi's 400 row, whose body is a 422 naming the field.
	status, raw := sendRaw(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials", "scope": []string{"delete:everything"}}, tokenHeaders(org)...)
	require.Equal(t, http.StatusBadRequest, status)
	require.EqualValues(t, http.StatusUnprocessableEntity, raw["statusCode"])
	validation := raw["error"].(map[string]any)["validation"].([]any)[0].(map[string]any)
	require.Equal(t, "scope", validation["field"])
	require.Contains(t, validation["message"], "received 'delete:everything'")
	require.Equal(t, 3, s.Counters().Unauthorized)
}

func TestIssuedTokenChecks(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	tok := issue(t, s, org, "read:users")
	bearer := "Bearer " + tok

	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", bearer).Status)
	a := send(t, s, http.MethodPost, usersPath(org), staff("E", "e@example.com"), "Authorization", bearer)
	require.Equal(t, http.StatusForbidden, a.Status)
	require.Equal(t, "This operation requires the 'create:user' scope", a.Error.Detail)
	require.Equal(t, http.StatusForbidden, send(t, s, http.MethodGet, usersPath("org_other"), nil, "Authorization", bearer).Status)
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", bearer, "x-organization-secret", "wrong").Status)
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", "Bearer tok_forged").Status)
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", "").Status)

	s.ExpireTokens()
	a = send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", bearer)
	require.Equal(t, http.StatusUnauthorized, a.Status)
	require.Equal(t, "Token has expired", a.Error.Detail)
	fresh := issue(t, s, org)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", "Bearer "+fresh).Status)

	c := s.Counters()
	require.Equal(t, 4, c.Unauthorized)
	require.Equal(t, 2, c.Forbidden)
}

func TestTokenExpiresAfterTTL(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{TokenTTL: 50 * time.Millisecond})
	tok := issue(t, s, org)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", "Bearer "+tok).Status)
	time.Sleep(60 * time.Millisecond)
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", "Bearer "+tok).Status)
}

func TestAllowScopes(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	s.AllowScopes(org, "read:users")
	tok := issue(t, s, org, "create:user", "read:users")
	a := send(t, s, http.MethodPost, usersPath(org), staff("E", "e@example.com"), "Authorization", "Bearer "+tok)
	require.Equal(t, http.StatusForbidden, a.Status)
	require.Equal(t, "https://parchment.health/errors/insufficient-scope", a.Error.Type)
}

func TestRejectTokens(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	s.RejectTokens(true)
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodGet, usersPath(org), nil).Status, "the static token too")
	require.Equal(t, http.StatusUnauthorized, send(t, s, http.MethodGet, usersPath(org), nil, "Authorization", "Bearer "+issue(t, s, org)).Status)
	s.RejectTokens(false)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status)
}

func TestTokenGrantsDeleteScopeWhenAllowed(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	body := map[string]any{"grantType": "client_credentials", "scope": []string{"update:user", "delete:user"}}
	a := send(t, s, http.MethodPost, "/v1/token", body, tokenHeaders(org)...)
	require.Equal(t, http.StatusOK, a.Status, "delete:user is a known scope")
	require.Equal(t, []any{"update:user", "delete:user"}, a.Data["scope"])

	a = send(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials"}, tokenHeaders(org)...)
	require.Equal(t, []any{"create:patient", "create:user", "read:user", "read:users", "update:user", "delete:user"}, a.Data["scope"],
		"no scope asked: everything the organisation allows")

	s.AllowScopes(org, "create:user", "read:users")
	a = send(t, s, http.MethodPost, "/v1/token", body, tokenHeaders(org)...)
	require.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, []any{}, a.Data["scope"], "neither is allowed: none granted")
}

func TestConfigScopes(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Scopes: []string{"create:user", "read:user", "read:users"}})
	a := send(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials", "scope": parchmenttest.KnownScopes()}, tokenHeaders(org)...)
	require.Equal(t, []any{"create:user", "read:user", "read:users"}, a.Data["scope"])

	// The static token holds what the organisation allows, too.
	u, err := s.SeedUser("org_2", parchmenttest.User{Email: "a@example.com", AccessRoles: []string{"admin"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath("org_2"), staff("E", "e@example.com")).Status)
	a = send(t, s, http.MethodPut, usersPath("org_2")+"/"+u.UserID, `{"full_name":"A B"}`)
	require.Equal(t, http.StatusForbidden, a.Status)
	require.Equal(t, "This operation requires the 'update:user' scope", a.Error.Detail)

	s.AllowScopes("org_2", parchmenttest.KnownScopes()...)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath("org_2")+"/"+u.UserID, `{"full_name":"A B"}`).Status)

	none := start(t, parchmenttest.Config{Scopes: []string{}})
	require.Equal(t, http.StatusUnauthorized, send(t, none, http.MethodGet, usersPath(org), nil).Status, "an empty list allows nothing")
	require.Equal(t, http.StatusForbidden, send(t, none, http.MethodPost, usersPath(org), staff("E", "e@example.com")).Status)
}

func TestValidateNeedsCreatePatient(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	users := issue(t, s, org, "create:user", "read:user", "read:users", "update:user")
	a := send(t, s, http.MethodGet, "/v1/organizations/"+org+"/validate", nil, "Authorization", "Bearer "+users)
	require.Equal(t, http.StatusUnauthorized, a.Status, "a users-only integration, as the validate page shows it")
	require.Equal(t, "Insufficient scope", a.Error.Title)
	require.Contains(t, a.Error.Detail, "scope")

	patient := issue(t, s, org, "create:patient")
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, "/v1/organizations/"+org+"/validate", nil, "Authorization", "Bearer "+patient).Status)
	c := s.Counters()
	require.Equal(t, 1, c.Forbidden, "a scope refusal, whatever its status")
	require.Zero(t, c.Unauthorized)
}

func TestScopeRefusalStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		refusal          string
		read, write      int
		writeTitle       string
		writeDetailNames bool
	}{
		{"", http.StatusUnauthorized, http.StatusForbidden, "Insufficient permissions", true},
		{parchmenttest.ScopeRefusal401, http.StatusUnauthorized, http.StatusUnauthorized, "Insufficient scope", false},
		{parchmenttest.ScopeRefusal403, http.StatusForbidden, http.StatusForbidden, "Insufficient permissions", true},
	} {
		t.Run("refusal "+tc.refusal, func(t *testing.T) {
			t.Parallel()
			s := start(t, parchmenttest.Config{ScopeRefusal: tc.refusal, Scopes: []string{}})
			read := send(t, s, http.MethodGet, usersPath(org), nil)
			require.Equal(t, tc.read, read.Status)
			write := send(t, s, http.MethodPut, usersPath(org)+"/usr_any/disable", nil)
			require.Equal(t, tc.write, write.Status)
			require.Equal(t, tc.writeTitle, write.Error.Title)
			if tc.writeDetailNames {
				require.Equal(t, "This operation requires the 'delete:user' scope", write.Error.Detail)
			}
			require.Equal(t, 2, s.Counters().Forbidden)
		})
	}
}

func TestStrictScopes(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{StrictScopes: true})
	four := []string{"create:user", "read:user", "read:users", "update:user"}
	body := map[string]any{"grantType": "client_credentials", "scope": append(four, "delete:user")}
	status, raw := sendRaw(t, s, http.MethodPost, "/v1/token", body, tokenHeaders(org)...)
	require.Equal(t, http.StatusBadRequest, status, "delete:user is not approved unless listed")
	require.EqualValues(t, http.StatusUnprocessableEntity, raw["statusCode"])
	v := raw["error"].(map[string]any)["validation"].([]any)[0].(map[string]any)
	require.Equal(t, "scope", v["field"])
	require.Equal(t, "Scopes not approved for this organization: delete:user", v["message"])

	a := send(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials", "scope": four}, tokenHeaders(org)...)
	require.Equal(t, http.StatusOK, a.Status)
	require.Len(t, a.Data["scope"], 4)

	s.AllowScopes(org, "create:user", "read:users")
	status, raw = sendRaw(t, s, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials", "scope": four}, tokenHeaders(org)...)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, raw["error"].(map[string]any)["validation"].([]any)[0].(map[string]any)["message"], "read:user, update:user")

	listed := start(t, parchmenttest.Config{StrictScopes: true, Scopes: []string{"update:user", "delete:user"}})
	a = send(t, listed, http.MethodPost, "/v1/token", map[string]any{"grantType": "client_credentials", "scope": []string{"delete:user"}}, tokenHeaders(org)...)
	require.Equal(t, []any{"delete:user"}, a.Data["scope"], "listed, so approved")
}
