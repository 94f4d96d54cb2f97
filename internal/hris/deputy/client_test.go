package deputy_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy/deputytest"
	"github.com/parchment-sync/parchment-sync/internal/hris/hrishttp"
	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

func seed(t *testing.T, legacy bool) []deputytest.Employee {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "samples", "roster.csv"))
	require.NoError(t, err)
	defer f.Close()
	emps, err := deputytest.Seed(f, "roster.csv", legacy)
	require.NoError(t, err)
	require.Len(t, emps, 12)
	return emps
}

func start(t *testing.T, cfg deputytest.Config) (*deputytest.Server, string) {
	t.Helper()
	s := deputytest.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func TestReadsEveryPageArchivedStaffAndJoins(t *testing.T) {
	t.Parallel()
	emps := seed(t, false)
	emps[11].Archive("2026-11-30")
	s, url := start(t, deputytest.Config{Token: "perm", Employees: emps})
	c := deputy.New(deputy.Config{URL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "perm"}),
		Credentials: "DEPUTY_TOKEN", PageSize: 5, Concurrency: 2})
	got, err := collect(c)
	require.NoError(t, err)
	require.Len(t, got, 12)
	// Page 0 alone, then 5 and 10 together; 10 is short.
	require.Equal(t, 3, s.Queries())
	for i, r := range got {
		require.Equal(t, emps[i].Fields["Id"], mustAtoi(t, r["Id"]), "in Id order")
	}

	amelia := got[0]
	require.Equal(t, "Amelia", amelia["FirstName"])
	require.Equal(t, "amelia.nguyen@harbourclinic.example", amelia["ContactObject.Email"])
	require.Equal(t, "0412345678", amelia["ContactObject.Mobile"])
	require.Equal(t, "MED0001234567", amelia["CustomFieldDataObject.AhpraNumber"], "custom fields by API name")
	require.Equal(t, "2429591L", amelia["CustomFieldDataObject.ProviderNumber"])
	require.Equal(t, "8003614900029560", amelia["CustomFieldDataObject.HpiiNumber"])
	require.Equal(t, "true", amelia["Active"])
	require.Equal(t, "", amelia["TerminationDate"], "null is empty")
	require.NotContains(t, amelia, "_DPMetaData.System")

	ethan := got[11]
	require.Equal(t, "false", ethan["Active"])
	require.Equal(t, "2026-11-30T00:00:00+10:00", ethan["TerminationDate"])
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	_, err := fmt.Sscan(s, &n)
	require.NoError(t, err)
	return n
}

func TestAFullLastPageEndsOnAnEmptyOne(t *testing.T) {
	t.Parallel()
	s, url := start(t, deputytest.Config{Token: "perm", Employees: seed(t, false)[:10]})
	c := deputy.New(deputy.Config{URL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "perm"}), PageSize: 5, Concurrency: 1})
	got, err := collect(c)
	require.NoError(t, err)
	require.Len(t, got, 10)
	require.Equal(t, 3, s.Queries())
}

func TestLegacyContactsCarryEmail1AndPhone1(t *testing.T) {
	t.Parallel()
	_, url := start(t, deputytest.Config{Token: "perm", Employees: seed(t, true)})
	got, err := collect(deputy.New(deputy.Config{URL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "perm"})}))
	require.NoError(t, err)
	require.Equal(t, "amelia.nguyen@harbourclinic.example", got[0]["ContactObject.Email1"])
	require.Equal(t, "0412345678", got[0]["ContactObject.Phone1"])
	require.NotContains(t, got[0], "ContactObject.Email")
}

func TestRetries429AfterRetryAfterAnd5xx(t *testing.T) {
	t.Parallel()
	s, url := start(t, deputytest.Config{Token: "perm", Employees: seed(t, false)})
	s.Faults.Fail(2, 429, "7")
	s.Faults.Fail(1, 503, "")
	var waits standin.Sleeps
	c := deputy.New(deputy.Config{URL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "perm"}),
		Retry: hrishttp.Retry{Sleep: waits.Sleep, Base: time.Second}})
	got, err := collect(c)
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Len(t, waits.Waits(), 3)
	require.Equal(t, 7*time.Second, waits.Waits()[0], "Retry-After is honoured")
	require.Equal(t, 7*time.Second, waits.Waits()[1])
	require.GreaterOrEqual(t, waits.Waits()[2], 4*time.Second, "backoff doubles")
}

func TestARefusedTokenNamesTheVariable(t *testing.T) {
	t.Parallel()
	_, url := start(t, deputytest.Config{Token: "perm", Employees: seed(t, false)})
	_, err := collect(deputy.New(deputy.Config{URL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "wrong"}), Credentials: "DEPUTY_TOKEN"}))
	var refused *hrishttp.Refused
	require.ErrorAs(t, err, &refused)
	require.Equal(t, 401, refused.Status)
	require.ErrorContains(t, err, "DEPUTY_TOKEN")
}

// OAuth: the refresh goes to the install host with scope and redirect_uri,
// and the rotated refresh token lands in the file.
func TestOAuthRefreshesOnTheInstallHost(t *testing.T) {
	t.Parallel()
	redirect := "http://127.0.0.1:53682/"
	s, url := start(t, deputytest.Config{ClientID: "cid", ClientSecret: "csecret", RedirectURIs: []string{redirect}, Employees: seed(t, false)})
	file := oauthfile.File{Path: filepath.Join(t.TempDir(), "deputy-token.json")}
	require.NoError(t, file.Write(&oauth2.Token{RefreshToken: s.OAuth.Grant()}))
	src := oauthfile.NewSource(context.Background(), deputy.OAuthSource(deputy.OAuth{
		InstallURL: url, ClientID: "cid", ClientSecret: "csecret", RedirectURL: redirect,
	}, file))
	got, err := collect(deputy.New(deputy.Config{URL: url, Token: src, Credentials: "the token file " + file.Path}))
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Equal(t, 1, s.OAuth.Refreshes())
	tok, err := file.Read()
	require.NoError(t, err)
	require.NotEmpty(t, tok.AccessToken)
	require.Equal(t, hostOf(t, url), tok.Extra("endpoint"), "the token answer's endpoint is kept")
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Host
}

func collect(c *deputy.Client) ([]hrishttp.Record, error) {
	return standin.Collect(context.Background(), c.Read)
}
