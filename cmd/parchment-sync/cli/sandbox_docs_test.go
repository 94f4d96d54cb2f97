package cli

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// sandboxProvider is a valid create body with the provider role.
func sandboxProvider(partnerID, email string) map[string]any {
	return map[string]any{
		"given_name": "Aroha", "family_name": "Ngata", "email": email, "partner_user_id": partnerID,
		"access_roles": []string{"provider", "admin"}, "title": "Dr", "date_of_birth": "1981-07-19", "sex": "N",
		"hpii_number": "8003614900029560", "prescriber_type": "M", "prescriber_number": "2468011", "qualifications": "MBBS",
	}
}

// sandboxCreate creates a provider and answers the create's status and body.
func sandboxCreate(t *testing.T, base, partnerID, email string) (int, map[string]any) {
	t.Helper()
	return sandboxCall(t, http.MethodPost, base+"/v1/organizations/org_1/users", sandboxProvider(partnerID, email))
}

// sandboxGetCreated creates a provider and answers the get of it.
func sandboxGetCreated(t *testing.T, base string) map[string]any {
	t.Helper()
	status, body := sandboxCreate(t, base, "P1", "p@example.com")
	require.Equal(t, http.StatusCreated, status)
	data := body["data"].(map[string]any)
	id, _ := data["parchment_user_id"].(string)
	if id == "" {
		id = data["user_id"].(string)
	}
	status, body = sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	return body["data"].(map[string]any)
}

func TestSandboxDocsFlags(t *testing.T) {
	t.Parallel()
	tokenCall := func(t *testing.T, base string, scopes ...string) (int, map[string]any) {
		return sandboxCall(t, http.MethodPost, base+"/v1/token",
			map[string]any{"grantType": "client_credentials", "scope": scopes},
			"x-partner-id", parchmenttest.DefaultPartnerID, "x-partner-secret", parchmenttest.DefaultPartnerSecret,
			"x-organization-id", "org_1", "x-user-id", "rehearsal")
	}
	for _, tc := range []struct {
		name  string
		args  []string
		check func(t *testing.T, base string)
	}{
		{"defaults: titled names, sex O", nil, func(t *testing.T, base string) {
			data := sandboxGetCreated(t, base)
			require.Equal(t, "Dr Aroha Ngata", data["full_name"])
			require.Equal(t, "O", data["details"].(map[string]any)["sex"])
		}},
		{"untitled names, sex N", []string{"--titled-names=false", "--sex-n-as-o=false"}, func(t *testing.T, base string) {
			data := sandboxGetCreated(t, base)
			require.Equal(t, "Aroha Ngata", data["full_name"])
			require.Equal(t, "N", data["details"].(map[string]any)["sex"])
		}},
		{"partial provider by HPI-I", []string{"--partial-provider-hpii-suffix", "29560=already-exists"}, func(t *testing.T, base string) {
			status, body := sandboxCreate(t, base, "P1", "p@example.com")
			require.Equal(t, http.StatusCreated, status)
			require.Equal(t, "USER_CREATED_PROVIDER_ALREADY_EXISTS", body["code"])
		}},
		{"partial provider rate", []string{"--partial-provider-rate", "1"}, func(t *testing.T, base string) {
			_, body := sandboxCreate(t, base, "P1", "p@example.com")
			require.Contains(t, []any{"USER_CREATED_PROVIDER_NOT_FOUND", "USER_CREATED_PROVIDER_ALREADY_EXISTS"}, body["code"])
		}},
		{"user exists under 201", []string{"--exists-as-201"}, func(t *testing.T, base string) {
			sandboxCreate(t, base, "P1", "p@example.com")
			status, body := sandboxCreate(t, base, "P2", "p@example.com")
			require.Equal(t, http.StatusCreated, status)
			require.EqualValues(t, http.StatusConflict, body["statusCode"])
			require.Equal(t, "USER_ALREADY_EXISTS", body["code"])
		}},
		{"scope refusal 403 on reads", []string{"--scopes", "create:user", "--scope-refusal-status", "403"}, func(t *testing.T, base string) {
			status, _ := sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users", nil)
			require.Equal(t, http.StatusForbidden, status)
		}},
		{"scope refusal documented on validate", []string{"--scopes", "create:user,read:user,read:users,update:user"}, func(t *testing.T, base string) {
			status, body := sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/validate", nil)
			require.Equal(t, http.StatusUnauthorized, status)
			require.Equal(t, "Insufficient scope", body["error"].(map[string]any)["title"])
		}},
		{"strict scopes", []string{"--strict-scopes"}, func(t *testing.T, base string) {
			status, body := tokenCall(t, base, "create:user", "delete:user")
			require.Equal(t, http.StatusBadRequest, status)
			msg := body["error"].(map[string]any)["validation"].([]any)[0].(map[string]any)["message"]
			require.Equal(t, "Scopes not approved for this organization: delete:user", msg)
		}},
		{"top-level pagination", []string{"--list-shape", "toplevel"}, func(t *testing.T, base string) {
			sandboxCreate(t, base, "P1", "p@example.com")
			status, body := sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users?limit=1", nil)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, map[string]any{"count": 1.0, "hasNext": false, "limit": 1.0, "offset": 0.0, "lastKey": nil}, body["pagination"])
		}},
		{"dropped roles", []string{"--drop-roles", "admin"}, func(t *testing.T, base string) {
			data := sandboxGetCreated(t, base)
			require.Equal(t, []any{"provider"}, data["access_roles"])
		}},
		{"null provider details", []string{"--null-provider-details"}, func(t *testing.T, base string) {
			status, body := sandboxCall(t, http.MethodPost, base+"/v1/organizations/org_1/users", map[string]any{
				"given_name": "Mere", "family_name": "Parata", "email": "m@example.com", "access_roles": []string{"receptionist"},
			})
			require.Equal(t, http.StatusCreated, status)
			id := body["data"].(map[string]any)["parchment_user_id"].(string)
			_, body = sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users/"+id, nil)
			require.Contains(t, body["data"], "provider_details")
			require.Nil(t, body["data"].(map[string]any)["provider_details"])
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.check(t, startSandbox(t, tc.args...))
		})
	}
}
