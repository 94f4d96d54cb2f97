package parchment_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestStalledBodyIsNoAnswer(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(parchmenttest.Trickle(10 * time.Millisecond))
	t.Cleanup(ts.Close)
	cfg := config(ts.URL + "/external")
	cfg.PartnerID, cfg.PartnerSecret, cfg.UserID, cfg.Token = "", "", "", "tok"
	cfg.CallTimeout, cfg.MaxAttempts = 150*time.Millisecond, 2
	c := newClient(t, cfg)

	started := time.Now()
	_, err := c.ListUsers(t.Context())
	elapsed := time.Since(started)
	require.ErrorIs(t, err, parchment.ErrNoWholeAnswer)
	require.True(t, parchment.IsRetry(err), "no answer is transient")
	e, _ := parchment.AsError(err)
	require.Zero(t, e.Status, "headers alone are no answer")
	require.Equal(t, []int{0, 0}, statuses(e.Attempts))
	for _, a := range e.Attempts {
		require.Less(t, a.Duration, time.Second, "each attempt ends at the call timeout")
		require.Contains(t, a.Err, "HTTP 200")
		require.Contains(t, a.Err, "stalled")
	}
	require.True(t, e.MayHaveApplied(), "the server may have acted before it stalled")
	require.Less(t, elapsed, 2*time.Second)
	require.NoError(t, c.Err(), "a stall does not stop the client by itself")
}

func TestWholeAnswerWithinTheCallTimeout(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(20 * time.Millisecond)
		_, _ = w.Write([]byte(`{"success":true,"statusCode":200,"data":{}}`))
	}))
	t.Cleanup(ts.Close)
	cfg := config(ts.URL + "/external")
	cfg.PartnerID, cfg.PartnerSecret, cfg.UserID, cfg.Token = "", "", "", "tok"
	cfg.CallTimeout = 2 * time.Second
	res, err := newClient(t, cfg).Validate(t.Context())
	require.NoError(t, err, "a slow body that ends in time is an answer")
	require.Equal(t, []int{200}, statuses(res.Attempts))
}
