package deputytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
)

// These check the stand-in against Deputy's docs, by raw requests.

func query(t *testing.T, url, auth, body string) (int, []map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/resource/Employee/QUERY", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var rows []map[string]any
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&rows))
	}
	return resp.StatusCode, rows
}

func TestQueryCapsAt500AndTakesBothSchemes(t *testing.T) {
	t.Parallel()
	emps, err := Seed(strings.NewReader(rostertest.CSV(rostertest.Staff(600))), "staff.csv", false)
	require.NoError(t, err)
	srv := httptest.NewServer(New(Config{Token: "perm", Employees: emps}))
	defer srv.Close()

	code, rows := query(t, srv.URL, "OAuth perm", `{"start":0,"max":1000}`)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, rows, MaxPage)
	require.Contains(t, rows[0], "_DPMetaData", "metadata unless dp-meta-option: none")
	require.NotContains(t, rows[0], "ContactObject", "joins only when asked")

	code, rows = query(t, srv.URL, "Bearer perm", `{"start":500,"max":500,"join":["ContactObject"]}`)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, rows, 100)
	require.Contains(t, rows[0], "ContactObject")

	code, _ = query(t, srv.URL, "Bearer nope", `{}`)
	require.Equal(t, http.StatusUnauthorized, code)
}

func TestSearchFiltersArchivedStaff(t *testing.T) {
	t.Parallel()
	emps, err := Seed(strings.NewReader(rostertest.CSV(rostertest.Staff(3))), "staff.csv", false)
	require.NoError(t, err)
	emps[1].Archive("2026-01-31")
	srv := httptest.NewServer(New(Config{Token: "perm", Employees: emps}))
	defer srv.Close()
	_, all := query(t, srv.URL, "Bearer perm", `{}`)
	require.Len(t, all, 3, "no search: archived staff too")
	_, active := query(t, srv.URL, "Bearer perm", `{"search":{"s1":{"field":"Active","type":"eq","data":1}}}`)
	require.Len(t, active, 2)
}

func TestRefreshTokensRotate(t *testing.T) {
	t.Parallel()
	s := New(Config{ClientID: "cid", ClientSecret: "cs", RedirectURIs: []string{"http://127.0.0.1:1/"}})
	srv := httptest.NewServer(s)
	defer srv.Close()
	refresh := func(rt, scope string) (int, map[string]any) {
		resp, err := http.PostForm(srv.URL+"/oauth/access_token", url.Values{
			"client_id": {"cid"}, "client_secret": {"cs"}, "grant_type": {"refresh_token"},
			"refresh_token": {rt}, "scope": {scope}, "redirect_uri": {"http://127.0.0.1:1/"},
		})
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		return resp.StatusCode, body
	}
	first := s.OAuth.Grant()
	code, body := refresh(first, Scope)
	require.Equal(t, http.StatusOK, code)
	require.EqualValues(t, 86400, body["expires_in"])
	require.NotEmpty(t, body["endpoint"])
	code, body = refresh(first, Scope)
	require.Equal(t, http.StatusBadRequest, code, "a spent refresh token is refused")
	require.Equal(t, "invalid_grant", body["error"])
	code, _ = refresh(s.OAuth.Grant(), "")
	require.Equal(t, http.StatusBadRequest, code, "scope=longlife_refresh_token is required")
}

func TestCustomFieldDefinitionsGiveAPINames(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Config{Token: "perm"}))
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/resource/CustomField", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer perm")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var defs []map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&defs))
	require.Len(t, defs, len(CustomFields))
	require.Equal(t, "AhpraNumber", defs[0]["ApiName"])
	require.Equal(t, "F01", defs[0]["DeputyField"])
}
