package parchment

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff returns the wait before retry n (1 for the first retry):
// exponential from min up to max, drawn uniformly below that bound (full
// jitter) so callers that failed together do not retry together.
func backoff(n int, minWait, maxWait time.Duration, jitter func(time.Duration) time.Duration) time.Duration {
	bound := minWait
	for i := 1; i < n && bound < maxWait; i++ {
		bound *= 2
	}
	return jitter(min(bound, maxWait))
}

// fullJitter draws a duration in [0, bound].
func fullJitter(bound time.Duration) time.Duration {
	if bound <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(bound) + 1))
}

// parseRetryAfter reads a Retry-After header: delta seconds or an HTTP
// date. A date in the past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case secs < 0:
			return 0, false
		case errors.Is(err, strconv.ErrRange) || secs > math.MaxInt64/int64(time.Second):
			// Too large for a Duration: the longest wait there is, which
			// any cap refuses, never a wrapped-round one.
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
		// Not the standard's form, but a fraction of a second is clear
		// enough; a huge one is the longest wait.
		if secs >= float64(math.MaxInt64/int64(time.Second)) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
