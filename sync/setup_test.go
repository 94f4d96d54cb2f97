package sync_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

const testToken = "test-token"

// fixture is one test's or benchmark's world: a ledger in its own schema, a
// stand-in Parchment, and an organisation nobody else uses.
type fixture struct {
	t      testing.TB
	store  ledger.Ledger
	server *parchmenttest.Server
	org    string
	url    string // the ledger's
}

func setup(t testing.TB, server parchmenttest.Config) *fixture {
	t.Helper()
	url := pgtest.URL(t)
	store, err := ledger.Open(context.Background(), url, nil)
	require.NoError(t, err)
	t.Cleanup(store.Close)
	server.Token = testToken
	return &fixture{t: t, store: store, server: parchmenttest.Start(t, server), org: "org-" + randomHex(6), url: url}
}

// setupBehind is setup with the stand-in behind wrap, a gateway that may
// answer instead of it.
func setupBehind(t testing.TB, server parchmenttest.Config, wrap func(http.Handler) http.Handler) *fixture {
	t.Helper()
	f := setup(t, server)
	s := parchmenttest.New(func() parchmenttest.Config { server.Token = testToken; return server }())
	ts := httptest.NewServer(wrap(s))
	t.Cleanup(ts.Close)
	s.URL = ts.URL + parchmenttest.PathPrefix
	f.server = s
	return f
}

// partnerClient exchanges the stand-in's partner credentials for tokens,
// so the granted scopes are known.
func (f *fixture) partnerClient() *parchment.Client {
	return f.client(func(c *parchment.Config) {
		c.Token = ""
		c.PartnerID, c.PartnerSecret, c.UserID = parchmenttest.DefaultPartnerID, parchmenttest.DefaultPartnerSecret, "sync-user"
	})
}

func (f *fixture) client(mod func(*parchment.Config)) *parchment.Client {
	f.t.Helper()
	cfg := parchment.Config{
		BaseURL: f.server.URL, OrganizationID: f.org,
		OrganizationSecret: parchmenttest.DefaultOrganizationSecret, Token: testToken,
		Rate: 1000, Burst: 10, MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := parchment.New(cfg)
	require.NoError(f.t, err)
	return c
}

func (f *fixture) config(api psync.API) psync.Config {
	return psync.Config{OrganizationID: f.org, Store: f.store, API: api, Concurrency: 4, Source: "test.csv"}
}

func (f *fixture) apply(rows []mapping.Row) *psync.Report {
	f.t.Helper()
	r, err := psync.Apply(context.Background(), f.config(f.client(nil)), rows)
	require.NoError(f.t, err)
	return r
}

func (f *fixture) creates() int { return f.server.Counters().Creates }

// requireOnePerPerson checks the invariant the product exists for: every
// roster person is in Parchment exactly once and mapped in the ledger.
func (f *fixture) requireOnePerPerson(rows []mapping.Row) {
	f.t.Helper()
	users := f.server.Snapshot(f.org)
	byExternal := map[string]int{}
	for _, u := range users {
		byExternal[u.ExternalUserID]++
	}
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(f.t, err)
	for _, r := range rows {
		id := r.Record.ExternalUserID
		require.Equal(f.t, 1, byExternal[id], "Parchment users for %s", id)
		require.Equal(f.t, psync.StateSynced, entries[id].State, "ledger state for %s", id)
		require.NotEmpty(f.t, entries[id].ParchmentUserID)
	}
	require.Len(f.t, users, len(rows))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func rowsOf(t testing.TB, people []rostertest.Person) []mapping.Row {
	t.Helper()
	rows := rowsOfCSV(t, rostertest.CSV(people))
	for _, row := range rows {
		require.True(t, row.Valid(), "row %d: %+v", row.Line, row.Problems)
	}
	return rows
}

// rowsOfCSV reads a canonical roster, valid or not.
func rowsOfCSV(t testing.TB, csv string) []mapping.Row {
	t.Helper()
	r, err := mapping.OpenCSV(strings.NewReader(csv), "test.csv", nil)
	require.NoError(t, err)
	rows, err := mapping.ReadAll(r)
	require.NoError(t, err)
	return rows
}
