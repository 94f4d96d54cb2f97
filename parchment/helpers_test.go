package parchment_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const (
	org  = "org_1"
	user = "user_1"
)

// config is a client config for base with the stand-in's default partner
// credentials, fast pacing and short backoffs.
func config(base string) parchment.Config {
	return parchment.Config{
		BaseURL:            base,
		OrganizationID:     org,
		OrganizationSecret: parchmenttest.DefaultOrganizationSecret,
		PartnerID:          parchmenttest.DefaultPartnerID,
		PartnerSecret:      parchmenttest.DefaultPartnerSecret,
		UserID:             user,
		Rate:               1000,
		Burst:              10,
		MinBackoff:         time.Millisecond,
		MaxBackoff:         5 * time.Millisecond,
		// Validate, the cheapest call these tests make, needs
		// create:patient, which the sync itself never asks for.
		Scopes: []string{parchment.ScopeCreateUser, parchment.ScopeReadUser, parchment.ScopeReadUsers, parchment.ScopeUpdateUser, "create:patient"},
	}
}

func newClient(t *testing.T, cfg parchment.Config) *parchment.Client {
	t.Helper()
	c, err := parchment.New(cfg)
	require.NoError(t, err)
	return c
}

// standIn starts a stand-in behind wrap and a client for it.
func standIn(t *testing.T, cfg parchmenttest.Config, wrap func(http.Handler) http.Handler, edit ...func(*parchment.Config)) (*parchmenttest.Server, *parchment.Client) {
	t.Helper()
	s := parchmenttest.New(cfg)
	var h http.Handler = s
	if wrap != nil {
		h = wrap(s)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	ccfg := config(ts.URL + parchmenttest.PathPrefix)
	for _, e := range edit {
		e(&ccfg)
	}
	return s, newClient(t, ccfg)
}

// statuses lists the attempts' HTTP statuses.
func statuses(attempts []parchment.Attempt) []int {
	out := make([]int, len(attempts))
	for i, a := range attempts {
		out[i] = a.Status
	}
	return out
}

// isToken tells the token exchange from API calls.
func isToken(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/v1/token") }

// interceptFirst answers the first n API calls (token exchanges pass) with
// answer instead of the stand-in.
func interceptFirst(n int, answer http.HandlerFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		seen := 0
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			intercept := !isToken(r) && seen < n
			if !isToken(r) {
				seen++
			}
			mu.Unlock()
			if intercept {
				answer(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// arrival is when the server saw a request and what it answered.
type arrival struct {
	at     time.Time
	path   string
	status int
}

// arrivals records every API call reaching the stand-in.
type arrivals struct {
	mu   sync.Mutex
	list []arrival
}

func (a *arrivals) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if isToken(r) {
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		a.list = append(a.list, arrival{at: at, path: r.URL.Path, status: rec.status})
	})
}

func (a *arrivals) all() []arrival {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]arrival(nil), a.list...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
