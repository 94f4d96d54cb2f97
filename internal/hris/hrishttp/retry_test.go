package hrishttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetryGivesUpOnRefusalsAndAfterAttempts(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	status := atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	var waits []time.Duration
	r := Retry{Attempts: 3, MaxWait: time.Minute, Sleep: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}}
	get := func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	}

	status.Store(http.StatusForbidden)
	_, err := r.Do(context.Background(), srv.Client(), "NORTH_TOKEN", get)
	var refused *Refused
	require.ErrorAs(t, err, &refused)
	require.ErrorContains(t, err, "check NORTH_TOKEN")
	require.EqualValues(t, 1, calls.Load(), "a refusal is not retried")

	status.Store(http.StatusTooManyRequests)
	_, err = r.Do(context.Background(), srv.Client(), "NORTH_TOKEN", get)
	require.ErrorContains(t, err, "after 3 attempts")
	require.EqualValues(t, 4, calls.Load())
	require.Equal(t, []time.Duration{time.Minute, time.Minute}, waits, "a Retry-After date, capped at MaxWait")
}
