package parchmenttest_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Rate: 1, Burst: 1})
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status)
	a := send(t, s, http.MethodGet, usersPath(org), nil)
	require.Equal(t, http.StatusTooManyRequests, a.Status)
	require.Equal(t, "1", a.RetryAfter)
	require.Equal(t, "Rate limit exceeded", a.Error.Title)
	require.Equal(t, "Too many requests. Please try again later.", a.Error.Detail)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath("org_2"), nil).Status, "limits are per organisation")
	require.Equal(t, 1, s.Counters().RateLimited)

	time.Sleep(time.Second)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status)
}

func TestFailRateChangesNothing(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{FailRate: 1})
	a := send(t, s, http.MethodPost, usersPath(org), staff("E", "e@example.com"))
	require.Equal(t, http.StatusInternalServerError, a.Status)
	require.Empty(t, s.Snapshot(org))
	c := s.Counters()
	require.Equal(t, 1, c.ServerErrors)
	require.Zero(t, c.Creates)
}

func TestDropRateAppliesThenDrops(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{DropRate: 1})
	err := post(t.Context(), s, usersPath(org), staff("E", "e@example.com"))
	require.Error(t, err, "no answer arrives")
	require.Len(t, s.Snapshot(org), 1, "the create was applied")
	require.Equal(t, 1, s.Counters().Drops)

	// Reads and refused changes are never dropped.
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status)
	require.Equal(t, http.StatusConflict, send(t, s, http.MethodPost, usersPath(org), staff("E", "e@example.com")).Status)
}

func TestSeedMakesFaultsReproducible(t *testing.T) {
	t.Parallel()
	outcomes := func() []int {
		s := start(t, parchmenttest.Config{FailRate: 0.5, Seed: 42})
		var got []int
		for range 20 {
			got = append(got, send(t, s, http.MethodGet, usersPath(org), nil).Status)
		}
		return got
	}
	first := outcomes()
	require.Equal(t, first, outcomes())
	require.Contains(t, first, http.StatusOK)
	require.Contains(t, first, http.StatusInternalServerError)
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Latency: 50 * time.Millisecond})
	began := time.Now()
	send(t, s, http.MethodGet, usersPath(org), nil)
	require.GreaterOrEqual(t, time.Since(began), 50*time.Millisecond)
}

// Jittered answers take from Latency × (1 − jitter) to Latency × (1 +
// jitter); some of 30 come sooner than Latency itself.
func TestLatencyJitter(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Latency: 60 * time.Millisecond, LatencyJitter: 0.5})
	fastest := time.Hour
	for range 30 {
		began := time.Now()
		send(t, s, http.MethodGet, usersPath(org), nil)
		took := time.Since(began)
		require.GreaterOrEqual(t, took, 30*time.Millisecond)
		fastest = min(fastest, took)
	}
	require.Less(t, fastest, 60*time.Millisecond)
}

func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Go(func() {
			// Pairs share an external id: one of each pair wins.
			errs[i] = post(t.Context(), s, usersPath(org), staff(fmt.Sprint("E", i/2), fmt.Sprintf("u%d@example.com", i)))
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	require.Len(t, s.Snapshot(org), 20)
	c := s.Counters()
	require.Equal(t, 20, c.Creates)
	require.Equal(t, 40, c.Requests["create"])
}

func TestFailStatus503(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{FailRate: 1, FailStatus: http.StatusServiceUnavailable})
	a := send(t, s, http.MethodPost, usersPath(org), staff("E", "e@example.com"))
	require.Equal(t, http.StatusServiceUnavailable, a.Status)
	require.Equal(t, "https://parchment.health/errors/service-unavailable", a.Error.Type)
	require.Equal(t, "External service temporarily unavailable", a.Error.Detail)
	require.Empty(t, s.Snapshot(org), "nothing changed")
	require.Equal(t, 1, s.Counters().ServerErrors)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPost, "/v1/token",
		map[string]any{"grantType": "client_credentials"}, tokenHeaders(org)...).Status, "the token exchange never fails")
}
