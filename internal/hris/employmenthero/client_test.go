package employmenthero_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero/employmentherotest"
	"github.com/parchment-sync/parchment-sync/internal/hris/hrishttp"
	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
	"github.com/parchment-sync/parchment-sync/mapping"
)

const org = "org-5eed"

type fixture struct {
	s    *employmentherotest.Server
	url  string
	emps []employmentherotest.Employee
	file oauthfile.File
	// rosterRecs is what the stand-in was seeded from.
	rosterRecs []mapping.Record
}

func (fx *fixture) roster(*testing.T) []mapping.Record { return fx.rosterRecs }

func start(t *testing.T) *fixture {
	t.Helper()
	return startWith(t, employmentherotest.Config{})
}

// startWith starts a stand-in configured as cfg, seeded from the sample
// roster, with a connected token file.
func startWith(t *testing.T, cfg employmentherotest.Config) *fixture {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "samples", "roster.csv"))
	require.NoError(t, err)
	defer f.Close()
	emps, err := employmentherotest.Seed(f, "roster.csv")
	require.NoError(t, err)
	_, err = f.Seek(0, 0)
	require.NoError(t, err)
	roster, err := standin.Roster(f, "roster.csv")
	require.NoError(t, err)
	cfg.ClientID, cfg.ClientSecret, cfg.OrganisationID, cfg.Employees = "cid", "cs", org, emps
	s := employmentherotest.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	file := oauthfile.File{Path: filepath.Join(t.TempDir(), "eh-token.json")}
	require.NoError(t, file.Write(&oauth2.Token{RefreshToken: s.OAuth.Grant()}))
	return &fixture{s: s, url: srv.URL, emps: emps, file: file, rosterRecs: roster}
}

func (fx *fixture) client(c employmenthero.Config) *employmenthero.Client {
	src := oauthfile.NewSource(context.Background(), employmenthero.OAuthSource(
		employmenthero.OAuth{URL: fx.url, ClientID: "cid", ClientSecret: "cs", Credentials: "EH_CLIENT_ID and EH_CLIENT_SECRET"}, fx.file))
	c.URL, c.OrganisationID, c.Token, c.Credentials = fx.url, org, src, "the token file "+fx.file.Path
	c.Limiter = rate.NewLimiter(rate.Inf, 1)
	return employmenthero.New(c)
}

func TestReadsPagesConcurrentlyInOrderWithTerminatedStaff(t *testing.T) {
	t.Parallel()
	fx := start(t)
	fx.emps[11].Terminate("2026-11-30")
	got, err := collect(fx.client(employmenthero.Config{PageSize: 5, Concurrency: 2}))
	require.NoError(t, err)
	require.Len(t, got, 12)
	for i, r := range got {
		require.Equal(t, fx.emps[i].Fields["id"], r["id"], "in the API's order")
	}
	pages := fx.s.Pages()
	require.Equal(t, 1, pages[0], "page 1 first, for total_pages")
	require.ElementsMatch(t, []int{1, 2, 3}, pages)

	amelia := got[0]
	require.Equal(t, "Amelia", amelia["first_name"])
	require.Equal(t, "0412345678", amelia["company_mobile"])
	require.NotEqual(t, amelia["company_mobile"], amelia["personal_mobile_number"])
	require.Equal(t, "female", amelia["gender"])
	require.Equal(t, "Clinic", amelia["teams.0.name"])
	require.Equal(t, "active", amelia["status"])
	require.Equal(t, "", amelia["termination_date"])
	require.NotContains(t, amelia, "custom_fields.AHPRA Number", "custom fields only when asked")

	ethan := got[11]
	require.Equal(t, "terminated", ethan["status"])
	require.Equal(t, "2026-11-30", ethan["termination_date"])
}

func TestReadsCustomFieldsWhenAsked(t *testing.T) {
	t.Parallel()
	fx := start(t)
	got, err := collect(fx.client(employmenthero.Config{CustomFields: true}))
	require.NoError(t, err)
	require.Equal(t, "MED0001234567", got[0]["custom_fields.AHPRA Number"])
	require.Equal(t, "1318605", got[0]["custom_fields.Prescriber Number"])
	require.Equal(t, "2429591L", got[0]["custom_fields.Provider Number"])
	require.Equal(t, "", got[7]["custom_fields.AHPRA Number"])
}

func TestRetries429AfterRetryAfterAnd5xx(t *testing.T) {
	t.Parallel()
	fx := start(t)
	fx.s.Faults.Fail(1, 429, "30")
	fx.s.Faults.Fail(1, 502, "")
	var waits standin.Sleeps
	got, err := collect(fx.client(employmenthero.Config{Retry: hrishttp.Retry{Sleep: waits.Sleep, Base: time.Second}}))
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Len(t, waits.Waits(), 2)
	require.Equal(t, 30*time.Second, waits.Waits()[0], "Retry-After is honoured")
	require.GreaterOrEqual(t, waits.Waits()[1], 2*time.Second)
}

// Beyond 100 requests a minute the stand-in answers 429 with the seconds
// to wait; the client waits them and carries on.
func TestWaitsOutTheRateLimit(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	fx := startWith(t, employmentherotest.Config{PerMinute: 4, Now: clock})
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		now = now.Add(d) // the stand-in's clock moves as the client waits
		return nil
	}
	got, err := collect(fx.client(employmenthero.Config{PageSize: 2, Concurrency: 1, Retry: hrishttp.Retry{Sleep: sleep}}))
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Equal(t, []time.Duration{time.Minute}, waits, "6 pages at 4 a minute: one wait of a minute")
}

func TestTokensRotateIntoTheFile(t *testing.T) {
	t.Parallel()
	fx := start(t)
	before, err := fx.file.Read()
	require.NoError(t, err)
	_, err = collect(fx.client(employmenthero.Config{}))
	require.NoError(t, err)
	after, err := fx.file.Read()
	require.NoError(t, err)
	require.NotEqual(t, before.RefreshToken, after.RefreshToken)
	require.WithinDuration(t, time.Now().Add(15*time.Minute), after.Expiry, time.Minute, "access tokens last 15 minutes")
	require.Equal(t, 1, fx.s.OAuth.Refreshes())
}

func TestRefusalsNameTheTokenFile(t *testing.T) {
	t.Parallel()
	fx := start(t)
	require.NoError(t, fx.file.Write(&oauth2.Token{RefreshToken: "spent"}))
	_, err := collect(fx.client(employmenthero.Config{Retry: hrishttp.Retry{Attempts: 2}}))
	require.ErrorIs(t, err, oauthfile.ErrRefused)
	require.ErrorContains(t, err, fx.file.Path)
	require.Equal(t, 0, fx.s.OAuth.Refreshes())

	// An access token the API refuses names the file too.
	c := employmenthero.New(employmenthero.Config{URL: fx.url, OrganisationID: org, Limiter: rate.NewLimiter(rate.Inf, 1),
		Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "revoked"}), Credentials: "the token file " + fx.file.Path})
	_, err = collect(c)
	var refused *hrishttp.Refused
	require.ErrorAs(t, err, &refused)
	require.Equal(t, 401, refused.Status)
	require.ErrorContains(t, err, fx.file.Path)
}

func collect(c *employmenthero.Client) ([]hrishttp.Record, error) {
	return standin.Collect(context.Background(), c.Read)
}
