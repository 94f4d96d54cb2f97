package employmentherotest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
)

// These check the stand-in against Employment Hero's docs, by raw requests.

const redirect = "http://127.0.0.1:53682/"

func newServer(t *testing.T, n int) (*Server, *httptest.Server) {
	t.Helper()
	emps, err := Seed(strings.NewReader(rostertest.CSV(rostertest.Staff(n))), "staff.csv")
	require.NoError(t, err)
	s := New(Config{ClientID: "cid", ClientSecret: "cs", RedirectURIs: []string{redirect}, OrganisationID: "o1", Employees: emps})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize returns the code the stand-in redirects with, or the status.
func authorize(t *testing.T, base string, q url.Values) (string, int) {
	t.Helper()
	resp, err := noRedirects.Get(base + "/oauth2/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", resp.StatusCode
	}
	to, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "xyz", to.Query().Get("state"))
	return to.Query().Get("code"), resp.StatusCode
}

func TestCodeGrantRequiresPKCE(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t, 1)
	q := url.Values{"client_id": {"cid"}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"xyz"}}
	_, status := authorize(t, srv.URL, q)
	require.Equal(t, http.StatusBadRequest, status, "no code_challenge")

	verifier := oauth2.GenerateVerifier()
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	q.Set("code_challenge_method", "S256")
	bad := url.Values{}
	for k, v := range q {
		bad[k] = v
	}
	bad.Set("redirect_uri", "http://127.0.0.1:9/")
	_, status = authorize(t, srv.URL, bad)
	require.Equal(t, http.StatusBadRequest, status, "redirect URIs match exactly")

	exchange := func(code, verifier string) int {
		resp, err := http.PostForm(srv.URL+"/oauth2/token", url.Values{"client_id": {"cid"}, "client_secret": {"cs"},
			"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}})
		require.NoError(t, err)
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			var tok map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
			require.EqualValues(t, 900, tok["expires_in"], "access tokens last 15 minutes")
			require.NotEmpty(t, tok["refresh_token"])
		}
		return resp.StatusCode
	}
	code, _ := authorize(t, srv.URL, q)
	require.Equal(t, http.StatusBadRequest, exchange(code, "wrong-verifier"))
	code, _ = authorize(t, srv.URL, q)
	require.Equal(t, http.StatusOK, exchange(code, verifier))
	require.Equal(t, http.StatusBadRequest, exchange(code, verifier), "a code works once")
}

func TestEmployeesEnvelope(t *testing.T) {
	t.Parallel()
	s, srv := newServer(t, 250)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/organisations/o1/employees?page_index=3&item_per_page=500", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	tok := s.OAuth.Grant()
	r, err := http.PostForm(srv.URL+"/oauth2/token", url.Values{"client_id": {"cid"}, "client_secret": {"cs"}, "grant_type": {"refresh_token"}, "refresh_token": {tok}})
	require.NoError(t, err)
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(r.Body).Decode(&answer))
	r.Body.Close()
	req.Header.Set("Authorization", "Bearer "+answer.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var env struct {
		Data struct {
			Items      []map[string]any `json:"items"`
			PageIndex  int              `json:"page_index"`
			TotalPages int              `json:"total_pages"`
			TotalItems int              `json:"total_items"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
	require.Len(t, env.Data.Items, 50, "item_per_page is capped at 100: page 3 holds 201-250")
	require.Equal(t, 3, env.Data.TotalPages)
	require.Equal(t, 250, env.Data.TotalItems)
}
