package parchment_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// example is one entry of testdata/examples.json, a copy of the shapes
// Parchment's pages show (shared/parchment-api/examples.json).
type example struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

func examples(t *testing.T) map[string]example {
	t.Helper()
	raw, err := os.ReadFile("testdata/examples.json")
	require.NoError(t, err)
	all := map[string]json.RawMessage{}
	require.NoError(t, json.Unmarshal(raw, &all))
	out := map[string]example{}
	for name, v := range all {
		if name == "_about" {
			continue
		}
		var e example
		require.NoError(t, json.Unmarshal(v, &e), name)
		out[name] = e
	}
	return out
}

// seen is one request a fixture server received.
type seen struct {
	method, path, query string
	body                []byte
	header              http.Header
}

// fixtureServer answers the token exchange with token and every API call
// with the next of answers (the last one repeats), recording each request.
func fixtureServer(t *testing.T, token example, answers ...example) (*parchment.Client, func() []seen) {
	t.Helper()
	var (
		mu   sync.Mutex
		got  []seen
		next int
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, strings.TrimPrefix(r.URL.Path, "/external"), r.URL.RawQuery, body, r.Header.Clone()})
		answer := token
		if !strings.HasSuffix(r.URL.Path, "/v1/token") {
			answer = answers[min(next, len(answers)-1)]
			next++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(answer.Status)
		_, _ = w.Write(answer.Body)
	}))
	t.Cleanup(ts.Close)
	c := newClient(t, config(ts.URL+"/external"))
	return c, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), got...)
	}
}

// apiCalls drops the token exchanges.
func apiCalls(all []seen) []seen {
	var out []seen
	for _, s := range all {
		if !strings.HasSuffix(s.path, "/v1/token") {
			out = append(out, s)
		}
	}
	return out
}

func tokenExample(ex map[string]example) example {
	return ex["token_200_without_update_scope"]
}

func TestExampleRequestsAreWhatTheClientSends(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	c, requests := fixtureServer(t, tokenExample(ex), ex["create_201_with_external_id"], ex["update_200"], ex["roles_200"], ex["disable_200"])

	var want parchment.CreateUserRequest
	require.NoError(t, json.Unmarshal(ex["create_request"].Body, &want))
	_, err := c.CreateUser(t.Context(), want)
	require.NoError(t, err)

	var up parchment.UpdateUserRequest
	require.NoError(t, json.Unmarshal(ex["update_request"].Body, &up))
	_, err = c.UpdateUser(t.Context(), "usr_7e1c90ab44d2", up)
	require.NoError(t, err)
	_, err = c.UpdateRoles(t.Context(), "usr_7e1c90ab44d2", []string{"receptionist", "rx_reader"})
	require.NoError(t, err)
	_, err = c.DisableUser(t.Context(), "usr_7e1c90ab44d2")
	require.NoError(t, err)

	all := requests()
	tok := all[0]
	require.Equal(t, "/v1/token", tok.path)
	for _, h := range []string{"x-partner-id", "x-partner-secret", "x-organization-id", "x-organization-secret", "x-user-id"} {
		require.NotEmpty(t, tok.header.Get(h), h)
	}
	var tokBody struct {
		GrantType string   `json:"grantType"`
		Scope     []string `json:"scope"`
	}
	require.NoError(t, json.Unmarshal(tok.body, &tokBody))
	require.Equal(t, "client_credentials", tokBody.GrantType)
	var exTok struct {
		Scope []string `json:"scope"`
	}
	require.NoError(t, json.Unmarshal(ex["token_request"].Body, &exTok))
	require.Subset(t, tokBody.Scope, exTok.Scope)

	calls := apiCalls(all)
	require.Len(t, calls, 4)
	for i, name := range []string{"create_request", "update_request", "roles_request", "disable_request"} {
		e := ex[name]
		require.Equal(t, e.Method, calls[i].method, name)
		path := strings.NewReplacer("{org}", org, "{user_id}", "usr_7e1c90ab44d2").Replace(e.Path)
		require.Equal(t, path, calls[i].path, name)
		if string(e.Body) == "null" {
			require.Empty(t, calls[i].body, name)
			continue
		}
		require.JSONEq(t, string(e.Body), string(calls[i].body), name)
	}
	require.NotContains(t, string(calls[0].body), "external_user_id", "the create body names our id partner_user_id")
}

func TestClientReadsEveryCreateAnswer(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	cases := []struct {
		name, id, code string
	}{
		{"create_201_with_external_id", "usr_7e1c90ab44d2", ""},
		{"create_201_user_created_code", "5f0a3c1e-8d2b-4e7a-9c61-0b3d5e7f9a12", parchment.CodeUserCreated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := fixtureServer(t, tokenExample(ex), ex[tc.name])
			res, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
			require.NoError(t, err)
			require.Equal(t, tc.id, res.UserID)
			require.Equal(t, tc.code, res.Code)
			require.NotEmpty(t, res.RequestID)
		})
	}

	t.Run("409 user already exists", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["create_409_user_already_exists"])
		_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
		e, ok := parchment.AsError(err)
		require.True(t, ok)
		require.Equal(t, http.StatusConflict, e.Status)
		require.Equal(t, parchment.CodeUserAlreadyExists, e.Code)
		require.Equal(t, parchment.ClassRecord, e.Class())
		require.Equal(t, "1-6a0b1c2e-0f1e2d3c4b5a69788796a5b4", e.RequestID)
	})
	t.Run("422", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["create_422"])
		_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
		e, _ := parchment.AsError(err)
		require.Equal(t, http.StatusUnprocessableEntity, e.Status)
		require.Equal(t, "hpii_number", e.Validation[0].Field)
	})
}

func TestClientReadsEveryChangeAnswer(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	c, _ := fixtureServer(t, tokenExample(ex), ex["update_200"], ex["roles_200"], ex["disable_200"], ex["disable_200_already"], ex["enable_200"])
	up, err := c.UpdateUser(t.Context(), "usr_7e1c90ab44d2", parchment.UpdateUserRequest{FullName: "A B"})
	require.NoError(t, err)
	require.Equal(t, "usr_7e1c90ab44d2", up.UserID)
	roles, err := c.UpdateRoles(t.Context(), "usr_7e1c90ab44d2", []string{"receptionist", "rx_reader"})
	require.NoError(t, err)
	require.Equal(t, []string{"receptionist", "rx_reader"}, roles.AccessRoles)
	for _, msg := range []string{"User disabled successfully", "User is already disabled"} {
		res, err := c.DisableUser(t.Context(), "usr_7e1c90ab44d2")
		require.NoError(t, err)
		require.Equal(t, msg, res.Message)
	}
	res, err := c.EnableUser(t.Context(), "usr_7e1c90ab44d2")
	require.NoError(t, err)
	require.Equal(t, "User enabled successfully", res.Message)
	require.Equal(t, "req_1772460310505_a1s3d5", res.RequestID)
}

func TestClientReadsBothListShapes(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	t.Run("paged", func(t *testing.T) {
		t.Parallel()
		last := ex["list_200_paged"]
		last.Body = []byte(`{"success":true,"statusCode":200,"data":{"users":[],"pagination":{"total":2,"limit":100}},"requestId":"req_2"}`)
		c, requests := fixtureServer(t, tokenExample(ex), ex["list_200_paged"], last)
		list, err := c.ListUsers(t.Context())
		require.NoError(t, err)
		require.Len(t, list.Users, 2)
		require.Equal(t, "HRIS#004217", list.Users[0].ExternalUserID)
		require.Equal(t, "Aroha Ngata", list.Users[0].FullName)
		require.Equal(t, []string{"provider", "admin"}, list.Users[0].AccessRoles)
		require.Empty(t, list.Users[1].ExternalUserID, "null is no id")
		calls := apiCalls(requests())
		require.Len(t, calls, 2)
		require.Contains(t, calls[1].query, "lastKey=eyJ1c2VyX2lkIjoidXNyXzFiMmMzZDRlNWY2MCJ9")
	})
	t.Run("bare", func(t *testing.T) {
		t.Parallel()
		c, requests := fixtureServer(t, tokenExample(ex), ex["list_200_bare"])
		list, err := c.ListUsers(t.Context())
		require.NoError(t, err)
		require.Len(t, list.Users, 2)
		require.Equal(t, 2, list.Total)
		require.Equal(t, "sam.okafor@harbourside.example", list.Users[1].Email)
		require.Len(t, apiCalls(requests()), 1, "a bare array is the whole list")
	})
	t.Run("bare empty", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["list_200_bare_empty"])
		list, err := c.ListUsers(t.Context())
		require.NoError(t, err)
		require.Empty(t, list.Users)
	})
}

func TestClientReadsBothUserShapes(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	t.Run("details", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["get_200_provider_with_details"])
		u, err := c.GetUser(t.Context(), "usr_7e1c90ab44d2")
		require.NoError(t, err)
		require.Equal(t, "aroha.ngata@harbourside.example", u.Email)
		require.Equal(t, []string{"provider", "admin"}, u.AccessRoles)
		require.Equal(t, "Ngata", u.Details.FamilyName)
		require.Equal(t, "1981-07-19", u.Details.DateOfBirth, "the date part of a timestamp")
		require.Equal(t, "1981-07-19", u.ProviderDetails.DateOfBirth)
		require.Equal(t, "2468011T", u.ProviderDetails.ProviderNumber)
		require.Equal(t, "K7PQR", u.ProviderDetails.ERXEntityID)
		require.Contains(t, string(u.ProviderDetails.AustralianAddress), "Balmain")
	})
	t.Run("older", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["get_200_non_provider_older"])
		u, err := c.GetUser(t.Context(), "usr_1b2c3d4e5f60")
		require.NoError(t, err)
		require.Nil(t, u.Details)
		require.Nil(t, u.ProviderDetails)
		require.Equal(t, "HRIS#004301", u.ExternalUserID)
		require.Equal(t, "Sam Okafor", u.FullName)
	})
}

func TestClientClassifiesEveryErrorAnswer(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	t.Run("403 on a change is denied, and the client goes on", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["error_403_insufficient_scope"], ex["list_200_bare"])
		_, err := c.UpdateUser(t.Context(), "usr_1", parchment.UpdateUserRequest{FullName: "A B"})
		require.True(t, parchment.IsDenied(err))
		require.Contains(t, err.Error(), "update:user")
		require.NoError(t, c.Err())
		_, err = c.ListUsers(t.Context())
		require.NoError(t, err)
	})
	t.Run("a scope refusal on a listing is denied, never fatal", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["error_403_insufficient_scope"])
		_, err := c.ListUsers(t.Context())
		require.True(t, parchment.IsDenied(err))
		require.NoError(t, c.Err())
	})
	t.Run("401 Insufficient scope is a refusal, not a bad token", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["read_401_insufficient_scope"], ex["list_200_bare"])
		_, err := c.GetUser(t.Context(), "usr_1")
		require.True(t, parchment.IsDenied(err))
		e, _ := parchment.AsError(err)
		require.Len(t, e.Attempts, 1, "no token renewal, no retry")
		require.NoError(t, c.Err())
		_, err = c.ListUsers(t.Context())
		require.NoError(t, err)
	})
	t.Run("404", func(t *testing.T) {
		t.Parallel()
		c, _ := fixtureServer(t, tokenExample(ex), ex["error_404"])
		_, err := c.GetUser(t.Context(), "usr_gone")
		require.True(t, parchment.IsRecord(err))
	})
	for _, name := range []string{"error_429", "error_503"} {
		t.Run(name+" is retried", func(t *testing.T) {
			t.Parallel()
			c, _ := fixtureServer(t, tokenExample(ex), ex[name], ex["enable_200"])
			res, err := c.EnableUser(t.Context(), "usr_1")
			require.NoError(t, err)
			require.Equal(t, []int{ex[name].Status, 200}, statuses(res.Attempts))
		})
	}
}

func TestGrantedScopesComeFromTheTokenAnswer(t *testing.T) {
	t.Parallel()
	ex := examples(t)
	c, _ := fixtureServer(t, tokenExample(ex), ex["enable_200"])
	scopes, known, err := c.GrantedScopes(t.Context())
	require.NoError(t, err)
	require.True(t, known)
	require.Equal(t, []string{"create:user", "read:user", "read:users"}, scopes)
}
