package parchment_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// The shapes revision 3 of the reading added, read through the client.
func TestClientReadsRevisionThreeAnswers(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	for _, name := range []string{"create_201_provider_not_found", "create_201_provider_already_exists"} {
		t.Run(name+" is a partial create", func(t *testing.T) {
			t.Parallel()
			c, _ := fixtureServer(t, tokenExample(ex), ex[name])
			res, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
			require.NoError(t, err)
			require.True(t, res.ProviderFailed())
			require.NotEmpty(t, res.UserID)
			require.True(t, strings.HasPrefix(res.Code, "USER_CREATED_PROVIDER_"))
			require.Contains(t, res.Warning, "User created successfully but provider")
		})
	}
	t.Run("a clean create is not partial", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["create_201_with_external_id"])
		res, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
		require.NoError(t, err)
		require.False(t, res.ProviderFailed())
	})
	t.Run("user already exists under a 201 heading is a 409 refusal", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["create_201_heading_user_already_exists"])
		_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
		e, ok := parchment.AsError(err)
		require.True(t, ok)
		require.Equal(t, http.StatusConflict, e.Status)
		require.Equal(t, parchment.CodeUserAlreadyExists, e.Code)
		require.False(t, e.MayHaveApplied(), "the body says nothing was made")
		require.True(t, parchment.IsRecord(err))
		require.Equal(t, http.StatusConflict, e.Attempts[0].Status, "the attempt is counted by the body's status")
	})
	t.Run("roles the server filtered", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["roles_200_filtered"])
		res, err := c.UpdateRoles(t.Context(), "usr_5c2e81f0d9b4", []string{"receptionist", "admin"})
		require.NoError(t, err)
		require.Equal(t, []string{"receptionist"}, res.AccessRoles)
	})
	t.Run("roles empty after filtering", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["roles_400_empty_after_filtering"])
		_, err := c.UpdateRoles(t.Context(), "usr_1", []string{"rx_queue_manager"})
		require.True(t, parchment.IsRecord(err))
		require.Contains(t, err.Error(), "after filtering")
	})
	t.Run("non-provider details with nulls", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["get_200_non_provider_details"])
		u, err := c.GetUser(t.Context(), "usr_3b9d10c2e7aa")
		require.NoError(t, err)
		require.Equal(t, "Parata", u.Details.FamilyName)
		require.Empty(t, u.Details.DateOfBirth)
		require.Nil(t, u.ProviderDetails)
	})
}

// pagedServer answers the users list from pages, in the general
// standard's shape: pagination beside data.
func pagedServer(t *testing.T, pages []string) (*parchment.Client, *atomic.Int32) {
	t.Helper()
	var served atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		i := int(served.Add(1)) - 1
		want := ""
		if i > 0 {
			want = "k" + string(rune('0'+i))
		}
		if r.URL.Query().Get("lastKey") != want || i >= len(pages) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"success":false,"statusCode":400,"error":{"title":"bad lastKey"}}`)
			return
		}
		_, _ = io.WriteString(w, pages[i])
	}))
	t.Cleanup(ts.Close)
	c, err := parchment.New(parchment.Config{BaseURL: ts.URL + "/external", OrganizationID: "org", OrganizationSecret: "org-secret-7f3a", Token: "token-5b1d"})
	require.NoError(t, err)
	return c, &served
}

func TestListFollowsPaginationBesideData(t *testing.T) {
	t.Parallel()
	page := func(ids []string, hasNext bool, key string) string {
		users := make([]map[string]string, len(ids))
		for i, id := range ids {
			users[i] = map[string]string{"user_id": id, "email": id + "@x.example"}
		}
		b, _ := json.Marshal(map[string]any{
			"success": true, "statusCode": 200, "data": users,
			"pagination": map[string]any{"count": len(ids), "hasNext": hasNext, "limit": 100, "offset": 0, "lastKey": key},
		})
		return string(b)
	}
	c, served := pagedServer(t, []string{page([]string{"a", "b"}, true, "k1"), page([]string{"c"}, true, "k2"), page([]string{"d"}, false, "")})
	list, err := c.ListUsers(t.Context())
	require.NoError(t, err)
	require.Len(t, list.Users, 4)
	require.EqualValues(t, 3, served.Load())

	ex := examples(t)
	c2, _ := fixtureServer(t, tokenExample(ex), ex["list_200_toplevel_pagination"], ex["list_200_bare"])
	list, err = c2.ListUsers(t.Context())
	require.NoError(t, err)
	require.Greater(t, len(list.Users), 2, "the second page is read too")
}

func TestListStopsWhenHasNextIsFalse(t *testing.T) {
	t.Parallel()
	c, served := pagedServer(t, []string{`{"success":true,"statusCode":200,"data":[{"user_id":"a"}],"pagination":{"hasNext":false,"lastKey":"k1"}}`})
	list, err := c.ListUsers(t.Context())
	require.NoError(t, err)
	require.Len(t, list.Users, 1)
	require.EqualValues(t, 1, served.Load())
}

func TestTokenRequestRetriedWithoutRefusedScopes(t *testing.T) {
	t.Parallel()
	var requested [][]string
	var mu = make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/v1/token") {
			var body struct {
				Scope []string `json:"scope"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			mu <- struct{}{}
			requested = append(requested, body.Scope)
			<-mu
			for _, s := range body.Scope {
				if s == "update:user" {
					w.WriteHeader(http.StatusForbidden)
					_, _ = io.WriteString(w, `{"success":false,"statusCode":403,"error":{"title":"Forbidden","detail":"You can only request scopes that have been approved for your organization: update:user"}}`)
					return
				}
			}
			_, _ = io.WriteString(w, `{"success":true,"statusCode":200,"data":{"accessToken":"tok","expiresIn":3600,"tokenType":"Bearer","scope":["create:user","read:user","read:users"]}}`)
			return
		}
		_, _ = io.WriteString(w, `{"success":true,"statusCode":200,"data":[]}`)
	}))
	t.Cleanup(ts.Close)
	c, err := parchment.New(parchment.Config{BaseURL: ts.URL + "/external", OrganizationID: "org", OrganizationSecret: "org-secret-7f3a", PartnerID: "partner-1", PartnerSecret: "partner-secret-9c2e", UserID: "usr_sync"})
	require.NoError(t, err)
	_, err = c.ListUsers(t.Context())
	require.NoError(t, err)
	require.Equal(t, [][]string{{"create:user", "read:user", "read:users", "update:user"}, {"create:user", "read:user", "read:users"}}, requested)
	require.Equal(t, []string{"update:user"}, c.DroppedScopes())
	require.NoError(t, c.Err())
}

// The read pages' own refusal body: title "Unauthorized", detail
// "Insufficient scope", under 401. A scope refusal, not a bad token.
func TestReadPagesUnauthorizedInsufficientScopeIsARefusal(t *testing.T) {
	t.Parallel()
	var tokens atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/v1/token") {
			tokens.Add(1)
			_, _ = io.WriteString(w, `{"success":true,"statusCode":200,"data":{"accessToken":"tok-4f1c2a","expiresIn":3600,"tokenType":"Bearer","scope":[]}}`)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"success":false,"statusCode":401,"error":{"type":"https://parchment.health/errors/authentication-required","title":"Unauthorized","detail":"Insufficient scope"},"requestId":"req_1706171700000_mno345"}`)
	}))
	t.Cleanup(ts.Close)
	c, err := parchment.New(parchment.Config{BaseURL: ts.URL + "/external", OrganizationID: "org", OrganizationSecret: "org-secret-7f3a",
		PartnerID: "partner-1", PartnerSecret: "partner-secret-9c2e", UserID: "usr_sync"})
	require.NoError(t, err)
	_, err = c.ListUsers(t.Context())
	require.True(t, parchment.IsDenied(err))
	require.EqualValues(t, 1, tokens.Load(), "no renewal for a scope refusal")
	require.NoError(t, c.Err())
}

// A 2xx whose body refuses with a 5xx may have applied: a create is not
// sent again, and the caller looks the person up.
func TestCreateRefusedByABody5xxIsNotResent(t *testing.T) {
	t.Parallel()
	var creates atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		creates.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"success":false,"statusCode":503,"error":{"title":"Service Unavailable"},"requestId":"req_1"}`)
	}))
	t.Cleanup(ts.Close)
	c, err := parchment.New(parchment.Config{BaseURL: ts.URL + "/external", OrganizationID: "org", OrganizationSecret: "org-secret-7f3a", Token: "token-5b1d", MaxAttempts: 3})
	require.NoError(t, err)
	_, err = c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "ab@example.com"})
	e, _ := parchment.AsError(err)
	require.EqualValues(t, 1, creates.Load())
	require.True(t, e.MayHaveApplied())
	require.Equal(t, []int{503}, statuses(e.Attempts))
}

// What a successful create's body says (its code and warning) is server
// text: it passes the redactor before reaching a report.
func TestCreateWarningIsScrubbedOfSecrets(t *testing.T) {
	t.Parallel()
	const secret = "org-secret-7f3a-canary"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sec, auth := r.Header.Get("x-organization-secret"), r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"success":true,"statusCode":201,"code":"USER_CREATED_PROVIDER_NOT_FOUND `+sec+
			`","data":{"user_id":"u1","warning":"failed for `+sec+` / `+auth+`"}}`)
	}))
	t.Cleanup(ts.Close)
	c, err := parchment.New(parchment.Config{BaseURL: ts.URL + "/external", OrganizationID: "org", OrganizationSecret: secret, Token: "token-5b1d-canary"})
	require.NoError(t, err)
	res, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "ab@example.com"})
	require.NoError(t, err)
	for _, s := range []string{res.Warning, res.Code} {
		require.NotContains(t, s, secret)
		require.NotContains(t, s, "token-5b1d-canary")
	}
	require.True(t, res.ProviderFailed())
}
