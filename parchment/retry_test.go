package parchment_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestServerErrorRetriedThenSuccess(t *testing.T) {
	t.Parallel()
	unavailable := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html>gateway</html>"))
	}
	_, c := standIn(t, parchmenttest.Config{}, interceptFirst(2, unavailable))
	res, err := c.Validate(t.Context())
	require.NoError(t, err)
	require.Equal(t, []int{503, 503, 200}, statuses(res.Attempts))
	require.Contains(t, res.Attempts[0].Err, "Service Unavailable")
	require.NotEmpty(t, res.RequestID)
	require.Equal(t, res.RequestID, res.Attempts[2].RequestID)
}

func TestRetriesStopAtMaxAttempts(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{FailRate: 1}, nil, func(cfg *parchment.Config) { cfg.MaxAttempts = 3 })
	_, err := c.ListUsers(t.Context())
	require.True(t, parchment.IsRetry(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, []int{500, 500, 500}, statuses(e.Attempts))
	require.True(t, e.MayHaveApplied(), "a 5xx may hide a change")
	for _, a := range e.Attempts {
		require.NotEmpty(t, a.RequestID)
		require.NotEmpty(t, a.Err)
		require.False(t, a.Started.IsZero())
	}
	require.Nil(t, c.Err(), "a transient failure does not stop the client")
	require.Equal(t, 3, s.Counters().ServerErrors)
}

// A create that may have applied is never sent again by the client: the
// caller looks the person up first.
func TestCreateIsNotResentAfterAnAnswerMayHaveBeenLost(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{FailRate: 1}, nil, func(cfg *parchment.Config) { cfg.MaxAttempts = 3 })
	_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "ab@example.com"})
	require.True(t, parchment.IsRetry(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, []int{500}, statuses(e.Attempts))
	require.True(t, e.MayHaveApplied())
	require.Equal(t, 1, s.Counters().Requests["create"])
}

func TestLostCreateTellsItselfFromForeignConflict(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{DropRate: 1}, nil)
	_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{
		GivenName: "A", FamilyName: "B", Email: "ab@example.com", PartnerUserID: "EXT-1",
	})
	require.True(t, parchment.IsRetry(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, []int{0}, statuses(e.Attempts), "no answer: not sent again")
	require.True(t, e.MayHaveApplied())
	require.Len(t, s.Snapshot(org), 1, "the lost attempt was applied")

	// Sent again (as a caller does once a look-up found nobody), the
	// taken partner id says it was ours.
	_, err = c.CreateUser(t.Context(), parchment.CreateUserRequest{
		GivenName: "A", FamilyName: "B", Email: "ab@example.com", PartnerUserID: "EXT-1",
	})
	require.True(t, parchment.IsRecord(err))
	e, _ = parchment.AsError(err)
	require.Equal(t, []int{http.StatusConflict}, statuses(e.Attempts))
	require.Empty(t, e.Code, "the pages show no code for a taken partner id")
	require.Equal(t, "Partner user ID already exists", e.Detail)
	require.Len(t, s.Snapshot(org), 1, "the second send made no second user")

	_, err = s.SeedUser(org, parchmenttest.User{ExternalUserID: "EXT-2", Email: "cd@example.com"})
	require.NoError(t, err)
	_, err = c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "C", FamilyName: "D", Email: "CD@example.com", PartnerUserID: "EXT-3"})
	e, _ = parchment.AsError(err)
	require.Equal(t, parchment.CodeUserAlreadyExists, e.Code)
	require.Equal(t, "User with this email already exists", e.Detail)
	require.False(t, e.MayHaveApplied(), "someone else's user")
}

func TestRateLimitRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{Rate: 1, Burst: 2}, nil)
	_, err := c.Validate(t.Context())
	require.NoError(t, err)
	began := time.Now()
	res, err := c.Validate(t.Context())
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(began), 900*time.Millisecond, "Retry-After: 1 was honoured")
	require.Equal(t, []int{429, 200}, statuses(res.Attempts))
	require.NotEmpty(t, res.Attempts[0].RequestID)
	require.Equal(t, 1, s.Counters().RateLimited)
}

func TestRateLimitRetryAfterDate(t *testing.T) {
	t.Parallel()
	limited := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"success":false,"statusCode":429,"error":{"title":"Rate limit exceeded"},"requestId":"req_1_abcdef"}`))
	}
	_, c := standIn(t, parchmenttest.Config{}, interceptFirst(1, limited))
	began := time.Now()
	res, err := c.Validate(t.Context())
	require.NoError(t, err)
	// The date has whole seconds, so the wait is between one and two.
	require.GreaterOrEqual(t, time.Since(began), time.Second)
	require.Equal(t, []int{429, 200}, statuses(res.Attempts))
	require.Equal(t, "req_1_abcdef", res.Attempts[0].RequestID)
}

// TestRateLimitPausesTheOrganisation checks that a 429 seen by one
// goroutine holds back another that had nothing to do with it.
func TestRateLimitPausesTheOrganisation(t *testing.T) {
	t.Parallel()
	var seen arrivals
	s, c := standIn(t, parchmenttest.Config{Rate: 1, Burst: 2}, seen.wrap)
	_, err := c.Validate(t.Context()) // with the token exchange, takes the server's allowance
	require.NoError(t, err)

	var wg sync.WaitGroup
	var first, second error
	wg.Go(func() { _, first = c.Validate(t.Context()) }) // gets the 429
	require.Eventually(t, func() bool { return s.Counters().RateLimited == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(100 * time.Millisecond) // the client has read the 429 by now
	wg.Go(func() { _, second = c.ListUsers(t.Context()) })
	wg.Wait()
	require.NoError(t, first)
	require.NoError(t, second)

	all := seen.all()
	var limitedAt, listAt time.Time
	for _, a := range all {
		if a.status == http.StatusTooManyRequests && limitedAt.IsZero() {
			limitedAt = a.at
		}
		if a.path == parchmenttest.PathPrefix+"/v1/organizations/"+org+"/users" && listAt.IsZero() {
			listAt = a.at
		}
	}
	require.False(t, limitedAt.IsZero())
	require.GreaterOrEqual(t, listAt.Sub(limitedAt), 900*time.Millisecond, "the other goroutine waited out the pause: %v", all)
}

func TestContextEndsWaits(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{Rate: 1, Burst: 2}, nil)
	_, err := c.Validate(t.Context())
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err = c.Validate(ctx) // 429, then waits out Retry-After: 1
	require.Less(t, time.Since(began), 700*time.Millisecond)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.True(t, parchment.IsRetry(err))
	require.Nil(t, c.Err(), "a caller's deadline does not stop the client")
	e, _ := parchment.AsError(err)
	require.Equal(t, []int{429}, statuses(e.Attempts))
	require.Equal(t, 1, s.Counters().RateLimited)
}
