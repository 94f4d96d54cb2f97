package parchment

import (
	"context"
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
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		// A count too large for a Duration would wrap round to a negative or
		// arbitrary wait: such a header is as good as none.
		if secs < 0 || secs > math.MaxInt64/int64(time.Second) {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
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
