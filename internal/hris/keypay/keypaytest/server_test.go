package keypaytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const roster = `external_user_id,given_name,family_name,email,phone,access_roles,ahpra_number,end_date
HC-1,Amelia,Nguyen,amelia@example.test,0412 345 678,provider,MED0001234567,
HC-2,Oliver,OBrien,oliver@example.test,,admin,,2026-01-31
HC-3,Mia,Chen,mia@example.test,,receptionist,,
`

func get(t *testing.T, url, key string) (int, http.Header, []map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.SetBasicAuth(key, "")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out []map[string]any
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	}
	return resp.StatusCode, resp.Header, out
}

func TestStandIn(t *testing.T) {
	t.Parallel()
	staff, err := SeedCSV(strings.NewReader(roster))
	require.NoError(t, err)
	s := New(Config{Employees: staff, TooManyEvery: 3, RetryAfter: 2})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	list := srv.URL + "/api/v2/business/4321/employee/unstructured"

	code, _, _ := get(t, list, "wrong")
	require.Equal(t, http.StatusUnauthorized, code)
	require.Equal(t, 1, s.Rejected())

	code, _, page := get(t, list+"?$top=2&$skip=1&$select=externalId,status,endDate", DefaultAPIKey)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []map[string]any{
		{"externalId": "HC-2", "status": "Terminated", "endDate": "2026-01-31T00:00:00"},
		{"externalId": "HC-3", "status": "Active", "endDate": nil},
	}, page)

	code, _, page = get(t, list+"?$filter="+url.QueryEscape("Status eq 'Active'")+"&$select=externalId", DefaultAPIKey)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, page, 2)

	code, _, _ = get(t, list+"?$top=101", DefaultAPIKey)
	require.Equal(t, http.StatusBadRequest, code)

	code, h, _ := get(t, list, DefaultAPIKey)
	require.Equal(t, http.StatusTooManyRequests, code)
	require.Equal(t, "2", h.Get("Retry-After"))

	code, _, quals := get(t, srv.URL+"/api/v2/business/4321/employee/1/qualification", DefaultAPIKey)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, QualificationAHPRA, quals[0]["name"])
	require.Equal(t, "MED0001234567", quals[0]["referenceNumber"])

	code, _, _ = get(t, srv.URL+"/api/v2/business/99/employee/unstructured", DefaultAPIKey)
	require.Equal(t, http.StatusNotFound, code)
}
