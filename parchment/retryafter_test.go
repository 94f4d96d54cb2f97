package parchment_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// TestRetryAfterBeyondTheCapIsFatal: one answer asking for days ends the
// call at once, stops the client and names the header as sent.
func TestRetryAfterBeyondTheCapIsFatal(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		var calls atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.Header().Set("Retry-After", "999999")
			w.WriteHeader(status)
		}))
		t.Cleanup(ts.Close)
		cfg := config(ts.URL + "/external")
		cfg.PartnerID, cfg.PartnerSecret, cfg.UserID, cfg.Token = "", "", "", "tok"
		cfg.MaxRetryAfter = time.Minute
		c := newClient(t, cfg)

		started := time.Now()
		_, err := c.Validate(t.Context())
		require.Less(t, time.Since(started), 5*time.Second, "nothing waited")
		require.True(t, parchment.IsFatal(err), "%v", err)
		require.ErrorIs(t, err, parchment.ErrRetryAfterTooLong)
		require.Contains(t, err.Error(), "Retry-After: 999999", "the header as the server sent it")
		require.Contains(t, err.Error(), "unreachable")
		require.EqualValues(t, 1, calls.Load(), "no retry")
		require.Error(t, c.Err(), "the client sends nothing more")
	}
}

func TestRetryAfterWithinTheCapIsHonoured(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"success":true,"statusCode":200,"data":{}}`))
	}))
	t.Cleanup(ts.Close)
	cfg := config(ts.URL + "/external")
	cfg.PartnerID, cfg.PartnerSecret, cfg.UserID, cfg.Token = "", "", "", "tok"
	cfg.MaxRetryAfter = time.Second
	_, err := newClient(t, cfg).Validate(t.Context())
	require.NoError(t, err, "a wait at the cap is no reason to stop")
	require.EqualValues(t, 2, calls.Load())
}
