package parchmenttest_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// examples are the request and answer shapes Parchment's pages show, as
// shared/parchment-api/examples.json holds them (copied to testdata).
var loadExamples = sync.OnceValues(func() (map[string]json.RawMessage, error) {
	raw, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		return nil, err
	}
	var ex map[string]json.RawMessage
	return ex, json.Unmarshal(raw, &ex)
})

// example is one answer of examples.json: its status and body.
func example(t *testing.T, name string) (int, map[string]any) {
	t.Helper()
	ex, err := loadExamples()
	require.NoError(t, err)
	raw, found := ex[name]
	require.True(t, found, "examples.json has no %s", name)
	var e struct {
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
	}
	require.NoError(t, json.Unmarshal(raw, &e))
	return e.Status, e.Body
}

// shape reduces a decoded JSON value to its keys and the types of its
// values, so answers compare without their ids, times and names.
func shape(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = shape(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = shape(x)
		}
		return out
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "unknown"
}

// without drops dotted paths from a decoded answer or its shape, in
// place: keys the stand-in answers beyond one example, each named by the
// test that allows it.
func without(sh any, paths ...string) any {
	for _, p := range paths {
		m, _ := sh.(map[string]any)
		keys := strings.Split(p, ".")
		for _, k := range keys[:len(keys)-1] {
			m, _ = m[k].(map[string]any)
		}
		delete(m, keys[len(keys)-1])
	}
	return sh
}

// requireLike checks an answer against an example: same status, same
// shape (less the extra keys allowed), and the same wording wherever the
// wording is Parchment's rather than the example's own values.
func requireLike(t *testing.T, name string, status int, got map[string]any, extra ...string) {
	t.Helper()
	wantStatus, want := example(t, name)
	require.Equal(t, wantStatus, status, name)
	require.Equal(t, shape(want), without(shape(got), extra...), name)
	for _, k := range []string{"success", "statusCode", "message", "code"} {
		require.Equal(t, want[k], got[k], "%s: %s", name, k)
	}
	if e, isError := want["error"].(map[string]any); isError {
		g := got["error"].(map[string]any)
		for _, k := range []string{"type", "title", "detail"} {
			require.Equal(t, e[k], g[k], "%s: error.%s", name, k)
		}
	}
}

// fixtureUser is examples.json's provider, with everything the get page
// shows, as a portal could hold it.
func fixtureUser() parchmenttest.User {
	return parchmenttest.User{
		ExternalUserID: "HRIS#004217", Email: "aroha.ngata@harbourside.example",
		GivenName: "Aroha", FamilyName: "Ngata", DateOfBirth: "1981-07-19", Sex: "F",
		Phone: "0398765432", AccessRoles: []string{"provider", "admin"}, Title: "Dr",
		HPIINumber: "8003614900029560", PrescriberType: "M", PrescriberNumber: "2468011",
		Qualifications: "MBBS, FRACGP", ProviderNumber: "2468011T", AHPRANumber: "MED0002468013",
		HospitalProviderNumber: "H246801", ERXEntityID: "K7PQR",
		AustralianAddress: &parchmenttest.Address{
			StreetNumber: "12", StreetName: "Wharf Rd", Suburb: "Balmain", State: "NSW", Postcode: "2041",
		},
	}
}

// startWithFixture starts a stand-in holding fixtureUser.
func startWithFixture(t *testing.T, cfg parchmenttest.Config) (*parchmenttest.Server, parchmenttest.User) {
	t.Helper()
	s := start(t, cfg)
	u, err := s.SeedUser(org, fixtureUser())
	require.NoError(t, err)
	return s, u
}

// exampleBody is the body of one of examples.json's requests.
func exampleBody(t *testing.T, name string) map[string]any {
	t.Helper()
	ex, err := loadExamples()
	require.NoError(t, err)
	var e struct {
		Body map[string]any `json:"body"`
	}
	require.NoError(t, json.Unmarshal(ex[name], &e))
	return e.Body
}

func TestExampleCreate(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	status, got := sendRaw(t, s, http.MethodPost, usersPath(org), exampleBody(t, "create_request"))
	// The stand-in also answers the other version's code USER_CREATED.
	require.Equal(t, "USER_CREATED", got["code"])
	require.Equal(t, "HRIS#004217", got["data"].(map[string]any)["external_user_id"])
	requireLike(t, "create_201_with_external_id", status, without(got, "code").(map[string]any))

	again := with(exampleBody(t, "create_request"), map[string]any{"partner_user_id": "HRIS#999999", "email": "AROHA.NGATA@harbourside.example"})
	status, got = sendRaw(t, s, http.MethodPost, usersPath(org), again)
	requireLike(t, "create_409_user_already_exists", status, got)
}

func TestExampleUpdateAndRoles(t *testing.T) {
	t.Parallel()
	s, u := startWithFixture(t, parchmenttest.Config{})
	path := usersPath(org) + "/" + u.UserID

	status, got := sendRaw(t, s, http.MethodPut, path, exampleBody(t, "update_request"))
	requireLike(t, "update_200", status, got)
	status, got = sendRaw(t, s, http.MethodPut, path+"/roles", exampleBody(t, "roles_request"))
	requireLike(t, "roles_200", status, got)
	require.Equal(t, []any{"receptionist", "rx_reader"}, got["data"].(map[string]any)["access_roles"])
}

func TestExampleDisableEnable(t *testing.T) {
	t.Parallel()
	s, u := startWithFixture(t, parchmenttest.Config{})
	path := usersPath(org) + "/" + u.UserID
	status, got := sendRaw(t, s, http.MethodPut, path+"/disable", nil)
	requireLike(t, "disable_200", status, got)
	status, got = sendRaw(t, s, http.MethodPut, path+"/disable", nil)
	requireLike(t, "disable_200_already", status, got)
	status, got = sendRaw(t, s, http.MethodPut, path+"/enable", nil)
	requireLike(t, "enable_200", status, got)
}

func TestExampleListPaged(t *testing.T) {
	t.Parallel()
	s, _ := startWithFixture(t, parchmenttest.Config{})
	// Sam was made in the portal: no partner id, so external_user_id null.
	_, err := s.SeedUser(org, parchmenttest.User{Email: "sam.okafor@harbourside.example", GivenName: "Sam", FamilyName: "Okafor", AccessRoles: []string{"receptionist"}})
	require.NoError(t, err)
	_, err = s.SeedUser(org, parchmenttest.User{Email: "third@harbourside.example", GivenName: "Third", FamilyName: "User"})
	require.NoError(t, err)
	status, got := sendRaw(t, s, http.MethodGet, usersPath(org)+"?limit=2", nil)
	requireLike(t, "list_200_paged", status, got)
}

func TestExampleListBare(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{ListShape: parchmenttest.ListBare})
	status, got := sendRaw(t, s, http.MethodGet, usersPath(org), nil)
	requireLike(t, "list_200_bare_empty", status, got)

	_, err := s.SeedUser(org, fixtureUser())
	require.NoError(t, err)
	_, err = s.SeedUser(org, parchmenttest.User{Email: "sam.okafor@harbourside.example", GivenName: "Sam", FamilyName: "Okafor"})
	require.NoError(t, err)
	status, got = sendRaw(t, s, http.MethodGet, usersPath(org)+"?limit=1", nil)
	requireLike(t, "list_200_bare", status, got)
}

func TestExampleGet(t *testing.T) {
	t.Parallel()
	s, u := startWithFixture(t, parchmenttest.Config{})
	status, got := sendRaw(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil)
	// The example leaves external_user_id out; the stand-in answers it.
	requireLike(t, "get_200_provider_with_details", status, got, "data.external_user_id")
	require.Equal(t, "HRIS#004217", got["data"].(map[string]any)["external_user_id"])

	older := start(t, parchmenttest.Config{GetShape: parchmenttest.GetOlder})
	u, err := older.SeedUser(org, parchmenttest.User{
		ExternalUserID: "HRIS#004301", Email: "sam.okafor@harbourside.example", GivenName: "Sam",
		FamilyName: "Okafor", AccessRoles: []string{"receptionist"},
	})
	require.NoError(t, err)
	status, got = sendRaw(t, older, http.MethodGet, usersPath(org)+"/"+u.UserID, nil)
	requireLike(t, "get_200_non_provider_older", status, got)
}

func TestExampleErrors(t *testing.T) {
	t.Parallel()
	s, u := startWithFixture(t, parchmenttest.Config{})

	status, got := sendRaw(t, s, http.MethodGet, usersPath(org)+"/usr_nobody", nil)
	requireLike(t, "error_404", status, got)

	s.AllowScopes(org, "create:user", "read:user", "read:users")
	status, got = sendRaw(t, s, http.MethodPut, usersPath(org)+"/"+u.UserID, exampleBody(t, "update_request"))
	requireLike(t, "error_403_insufficient_scope", status, got)

	limited := start(t, parchmenttest.Config{Rate: 1, Burst: 1})
	sendRaw(t, limited, http.MethodGet, usersPath(org), nil)
	status, got = sendRaw(t, limited, http.MethodGet, usersPath(org), nil)
	requireLike(t, "error_429", status, got)

	failing := start(t, parchmenttest.Config{FailRate: 1, FailStatus: http.StatusServiceUnavailable})
	status, got = sendRaw(t, failing, http.MethodGet, usersPath(org), nil)
	requireLike(t, "error_503", status, got)
}

func TestExampleToken(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Scopes: []string{"create:user", "read:user", "read:users"}})
	status, got := sendRaw(t, s, http.MethodPost, "/v1/token", exampleBody(t, "token_request"), tokenHeaders(org)...)
	requireLike(t, "token_200_without_update_scope", status, got)
	data := got["data"].(map[string]any)
	require.Equal(t, []any{"create:user", "read:user", "read:users"}, data["scope"], "update:user asked for, not granted")
	require.EqualValues(t, time.Hour/time.Second, data["expiresIn"])
}

func TestExampleGetTitledAndNonProvider(t *testing.T) {
	t.Parallel()
	s, u := startWithFixture(t, parchmenttest.Config{NullProviderDetails: true})
	_, want := example(t, "get_200_provider_with_details")
	_, got := sendRaw(t, s, http.MethodGet, usersPath(org)+"/"+u.UserID, nil)
	require.Equal(t, "Dr Aroha Ngata", want["data"].(map[string]any)["full_name"])
	require.Equal(t, want["data"].(map[string]any)["full_name"], got["data"].(map[string]any)["full_name"])

	// Mere was made in the portal: no partner id, so external_user_id null.
	mere, err := s.SeedUser(org, parchmenttest.User{
		Email: "mere.parata@harbourside.example", GivenName: "Mere", FamilyName: "Parata", AccessRoles: []string{"receptionist"},
	})
	require.NoError(t, err)
	status, got := sendRaw(t, s, http.MethodGet, usersPath(org)+"/"+mere.UserID, nil)
	requireLike(t, "get_200_non_provider_details", status, got, "data.external_user_id")
	require.Equal(t, want["data"].(map[string]any)["details"].(map[string]any)["title"], "Dr")
	require.Equal(t, map[string]any{"given_name": "Mere", "family_name": "Parata", "title": nil, "date_of_birth": nil, "sex": nil},
		got["data"].(map[string]any)["details"])
}

func TestExampleCreatePartialProvider(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{PartialProviderHPII: map[string]parchmenttest.CreateAnswer{
		"9560": parchmenttest.ProviderAlreadyExists, "0029560": parchmenttest.ProviderNotFound,
	}})
	status, got := sendRaw(t, s, http.MethodPost, usersPath(org), exampleBody(t, "create_request"))
	requireLike(t, "create_201_provider_not_found", status, got)

	other := with(exampleBody(t, "create_request"), map[string]any{
		"partner_user_id": "HRIS#004218", "email": "second@harbourside.example", "hpii_number": "8003614900019560",
	})
	status, got = sendRaw(t, s, http.MethodPost, usersPath(org), other)
	requireLike(t, "create_201_provider_already_exists", status, got)
}

func TestExampleCreateExistsUnder201(t *testing.T) {
	t.Parallel()
	s, _ := startWithFixture(t, parchmenttest.Config{ExistsAs201: true})
	again := with(exampleBody(t, "create_request"), map[string]any{"partner_user_id": "HRIS#999999"})
	status, got := sendRaw(t, s, http.MethodPost, usersPath(org), again)
	requireLike(t, "create_201_heading_user_already_exists", status, got)
}

func TestExampleRolesFiltered(t *testing.T) {
	t.Parallel()
	s, u := startWithFixture(t, parchmenttest.Config{})
	path := usersPath(org) + "/" + u.UserID + "/roles"
	status, got := sendRaw(t, s, http.MethodPut, path, map[string]any{"access_roles": []string{"receptionist", "rx_queue_manager"}})
	requireLike(t, "roles_200_filtered", status, got)
	require.Equal(t, []any{"receptionist"}, got["data"].(map[string]any)["access_roles"])

	status, got = sendRaw(t, s, http.MethodPut, path, map[string]any{"access_roles": []string{"rx_reader"}})
	requireLike(t, "roles_400_empty_after_filtering", status, got)
}

func TestExampleReadInsufficientScope(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Scopes: []string{"create:user"}})
	status, got := sendRaw(t, s, http.MethodGet, usersPath(org), nil)
	requireLike(t, "read_401_insufficient_scope", status, got)
	status, got = sendRaw(t, s, http.MethodGet, usersPath(org)+"/usr_any", nil)
	requireLike(t, "read_401_insufficient_scope", status, got)
}

func TestExampleListTopLevel(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{ListShape: parchmenttest.ListTopLevel})
	for _, email := range []string{"aroha.ngata@harbourside.example", "mere.parata@harbourside.example", "third@harbourside.example"} {
		_, err := s.SeedUser(org, parchmenttest.User{Email: email})
		require.NoError(t, err)
	}
	status, got := sendRaw(t, s, http.MethodGet, usersPath(org)+"?limit=2", nil)
	requireLike(t, "list_200_toplevel_pagination", status, got)
}
