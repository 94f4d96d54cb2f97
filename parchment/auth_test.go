package parchment_test

import (
	"errors"
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

func TestTokenFetchedOnceAndCached(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	for range 3 {
		res, err := c.Validate(t.Context())
		require.NoError(t, err)
		require.True(t, res.Validated)
		require.Equal(t, []int{http.StatusOK}, statuses(res.Attempts), "token exchanges are not the call's attempts")
	}
	require.Equal(t, 1, s.Counters().Requests["token"])
}

func TestConcurrentCallersShareOneRenewal(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	validateAll := func() {
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range errs {
			wg.Go(func() { _, errs[i] = c.Validate(t.Context()) })
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
	}
	validateAll()
	require.Equal(t, 1, s.Counters().Requests["token"])
	s.ExpireTokens()
	validateAll()
	require.Equal(t, 2, s.Counters().Requests["token"], "every 401 of the old token shares one renewal")
}

func TestTokenRenewedAfter401(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	_, err := c.Validate(t.Context())
	require.NoError(t, err)
	s.ExpireTokens()

	list, err := c.ListUsers(t.Context())
	require.NoError(t, err)
	require.Equal(t, []int{http.StatusUnauthorized, http.StatusOK}, statuses(list.Attempts))
	require.NotEmpty(t, list.Attempts[0].RequestID)
	require.Equal(t, 2, s.Counters().Requests["token"])
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{TokenTTL: time.Second}, nil)
	_, err := c.Validate(t.Context())
	require.NoError(t, err)
	time.Sleep(850 * time.Millisecond) // past the renewal point, before expiry
	res, err := c.Validate(t.Context())
	require.NoError(t, err)
	require.Len(t, res.Attempts, 1)
	cnt := s.Counters()
	require.Equal(t, 2, cnt.Requests["token"])
	require.Zero(t, cnt.Unauthorized)
}

func TestSecond401IsFatal(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	s.RejectTokens(true)

	_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "ab@example.com"})
	require.True(t, parchment.IsFatal(err))
	e, ok := parchment.AsError(err)
	require.True(t, ok)
	require.Equal(t, http.StatusUnauthorized, e.Status)
	require.Equal(t, []int{http.StatusUnauthorized, http.StatusUnauthorized}, statuses(e.Attempts))
	require.NotEmpty(t, e.RequestID)
	require.False(t, e.MayHaveApplied())
	require.Equal(t, err, c.Err())

	// Later calls fail without sending.
	before := s.Counters()
	_, err = c.ListUsers(t.Context())
	require.ErrorIs(t, err, parchment.ErrStopped)
	require.True(t, parchment.IsFatal(err))
	e, _ = parchment.AsError(err)
	require.Empty(t, e.Attempts)
	require.Equal(t, before, s.Counters())
}

func TestStaticToken401IsFatalAtOnce(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{Token: "static"}, nil, func(cfg *parchment.Config) {
		cfg.PartnerID, cfg.PartnerSecret, cfg.UserID, cfg.Token = "", "", "", "static"
	})
	_, err := c.Validate(t.Context())
	require.NoError(t, err)
	s.RejectTokens(true)
	_, err = c.Validate(t.Context())
	require.True(t, parchment.IsFatal(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, []int{http.StatusUnauthorized}, statuses(e.Attempts))
	require.Zero(t, s.Counters().Requests["token"])
}

func TestScopeRefusalOnACreateStopsOnlyThatKind(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil, func(cfg *parchment.Config) {
		cfg.Scopes = []string{parchment.ScopeReadUsers}
	})
	_, err := c.CreateUser(t.Context(), parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "ab@example.com"})
	require.True(t, parchment.IsDenied(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, http.StatusForbidden, e.Status)
	require.True(t, e.ScopeRefusal())
	require.Equal(t, []string{"create:user"}, e.Scopes())
	require.Len(t, e.Attempts, 1)
	require.Equal(t, e.RequestID, e.Attempts[0].RequestID)

	_, err = c.ListUsers(t.Context())
	require.NoError(t, err, "a refused kind does not stop the others")
	require.Equal(t, 1, s.Counters().Requests["list"])
}

func TestForbiddenWithoutAScopeIsFatal(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"success":false,"statusCode":403,"error":{"title":"Forbidden","detail":"This integration is suspended"},"requestId":"req_f"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := parchment.New(parchment.Config{BaseURL: srv.URL, OrganizationID: "org", OrganizationSecret: "org-secret-7f3a", Token: "token-5b1d"})
	require.NoError(t, err)
	_, err = c.ListUsers(t.Context())
	require.True(t, parchment.IsFatal(err))
	_, err = c.GetUser(t.Context(), "usr_1")
	require.ErrorIs(t, err, parchment.ErrStopped)
}

func TestBadPartnerCredentialsAreFatal(t *testing.T) {
	t.Parallel()
	const secret = "wrong-partner-secret"
	s, c := standIn(t, parchmenttest.Config{}, nil, func(cfg *parchment.Config) { cfg.PartnerSecret = secret })
	_, err := c.ListUsers(t.Context())
	require.True(t, parchment.IsFatal(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, http.StatusUnauthorized, e.Status)
	require.Equal(t, "list users (token)", e.Op)
	require.Empty(t, e.Attempts, "the call itself was never sent")
	require.NotEmpty(t, e.RequestID)
	require.NotContains(t, err.Error(), secret)
	require.Zero(t, s.Counters().Requests["list"])
}

func TestErrorsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, interceptFirst(1, hangUp), func(cfg *parchment.Config) { cfg.MaxAttempts = 1 })
	_, err := c.UpdateUser(t.Context(), "usr_1", parchment.UpdateUserRequest{FullName: "X Y"})
	require.Error(t, err)
	s.RejectTokens(true)
	_, err2 := c.Validate(t.Context())
	require.Error(t, err2)
	for _, e := range []error{err, err2} {
		msg := e.Error()
		for _, secret := range []string{parchmenttest.DefaultOrganizationSecret, parchmenttest.DefaultPartnerSecret, "tok_", "Bearer"} {
			require.NotContains(t, msg, secret)
		}
		pe, _ := parchment.AsError(e)
		for _, a := range pe.Attempts {
			require.False(t, strings.Contains(a.Err, parchmenttest.DefaultOrganizationSecret) || strings.Contains(a.Err, "tok_"))
		}
	}
}
