package parchmenttest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestSetRateChangesOneOrganisation(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	s.SetRate(org, 0.001, 1)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status)
	require.Equal(t, http.StatusTooManyRequests, send(t, s, http.MethodGet, usersPath(org), nil).Status)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath("org_2"), nil).Status, "the others keep Config's limit")

	s.SetRate(org, 1000, 0)
	require.Eventually(t, func() bool {
		return send(t, s, http.MethodGet, usersPath(org), nil).Status == http.StatusOK
	}, 5*time.Second, 10*time.Millisecond, "a raised rate refills the bucket it left")

	s.SetRate(org, 0, 0)
	limited := s.Counters().RateLimited
	for range 20 {
		require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status, "rate 0 lifts the limit")
	}
	require.Equal(t, limited, s.Counters().RateLimited)
}

func TestSetRateLowersALimit(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{Rate: 1000, Burst: 3})
	s.SetRate(org, 0.001, 1)
	// The bucket held 3 tokens; the new burst keeps one of them.
	require.Equal(t, http.StatusOK, send(t, s, http.MethodGet, usersPath(org), nil).Status)
	a := send(t, s, http.MethodGet, usersPath(org), nil)
	require.Equal(t, http.StatusTooManyRequests, a.Status)
	require.NotEmpty(t, a.RetryAfter)
}
