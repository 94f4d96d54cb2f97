package hris

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Caller sends GETs to an HR system, retrying 429 (after its Retry-After)
// and 5xx and network failures with exponential backoff. 401 and 403 are
// an *AuthError, never retried; any other failure a *StatusError.
type Caller struct {
	System     string
	Credential string
	HTTP       *http.Client
	Logger     *slog.Logger
	// Authorize sets the request's credentials.
	Authorize func(*http.Request)
	// Attempts bounds the tries of one call (default 6); Backoff is the
	// first wait (default 500ms), doubled each time up to MaxWait, which
	// also caps a Retry-After (default 60s).
	Attempts int
	Backoff  time.Duration
	MaxWait  time.Duration
	// Sleep waits; tests inject one. Nil waits on a timer.
	Sleep func(context.Context, time.Duration) error
}

// Get fetches url and returns the body of a 2xx answer.
func (c *Caller) Get(ctx context.Context, url string) ([]byte, error) {
	attempts := cmp(c.Attempts, 6)
	wait := cmpDur(c.Backoff, 500*time.Millisecond)
	var last error
	for try := 1; ; try++ {
		body, retryAfter, err := c.once(ctx, url)
		if err == nil {
			return body, nil
		}
		retryable := retryAfter >= 0
		if !retryable || try >= attempts {
			if try > 1 && retryable {
				return nil, fmt.Errorf("%w (gave up after %d tries)", err, try)
			}
			return nil, err
		}
		last = err
		d := wait + rand.N(wait/2+1) // jitter spreads concurrent callers
		if retryAfter > 0 {
			d = retryAfter
		}
		d = min(d, cmpDur(c.MaxWait, time.Minute))
		c.logger().Warn("retrying the HR system", "system", c.System, "error", last, "wait", d, "try", try)
		if err := c.sleep(ctx, d); err != nil {
			return nil, err
		}
		wait = min(wait*2, cmpDur(c.MaxWait, time.Minute))
	}
}

// once makes one call. retryAfter is -1 when the failure is final, 0 to
// back off, above 0 the wait the server asked for.
func (c *Caller) once(ctx context.Context, url string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, -1, err
	}
	req.Header.Set("Accept", "application/json")
	c.Authorize(req)
	resp, err := c.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, ctx.Err()
		}
		return nil, 0, fmt.Errorf("%s: %w", c.System, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, -1, &AuthError{System: c.System, Credential: c.Credential, Status: resp.StatusCode}
	case err != nil:
		return nil, 0, fmt.Errorf("%s: reading the answer: %w", c.System, err)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return body, -1, nil
	}
	se := &StatusError{System: c.System, URL: strings.SplitN(url, "?", 2)[0], Status: resp.StatusCode, Body: snippet(body)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, retryAfter(resp.Header.Get("Retry-After"), time.Now()), se
	case resp.StatusCode >= 500:
		return nil, 0, se
	}
	return nil, -1, se
}

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent
// or unreadable, so the caller backs off instead.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return max(time.Duration(s)*time.Second, time.Millisecond)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), time.Millisecond)
	}
	return 0
}

func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func (c *Caller) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Caller) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Caller) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func cmp(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func cmpDur(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}
