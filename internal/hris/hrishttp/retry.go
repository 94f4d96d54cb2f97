// Package hrishttp holds what the HR-system clients share: requests
// retried on 429 and 5xx, refusals that name the credential to fix, and
// JSON records flattened to dotted keys.
package hrishttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// Retry says how often and how long a request is tried again.
type Retry struct {
	// Attempts in all, the first included; 0 is 6.
	Attempts int
	// Base is the first backoff, doubled each time; 0 is 500ms.
	Base time.Duration
	// MaxWait caps one wait, Retry-After included; 0 is 2 minutes.
	MaxWait time.Duration
	// Sleep waits d or until ctx ends; nil sleeps.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (r Retry) defaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 6
	}
	if r.Base <= 0 {
		r.Base = 500 * time.Millisecond
	}
	if r.MaxWait <= 0 {
		r.MaxWait = 2 * time.Minute
	}
	if r.Sleep == nil {
		r.Sleep = sleep
	}
	return r
}

// sleep waits d or until ctx ends (time.After's timer is collected
// either way since Go 1.23).
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// Refused is an answer that retrying will not change: the credentials
// were rejected (401, 403) or the request was wrong (other 4xx).
type Refused struct {
	Status int
	Body   string // the start of the answer, for the message
	// Credentials names what to fix: a variable or a token file.
	Credentials string
}

func (e *Refused) Error() string {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return fmt.Sprintf("the HR system refused the credentials (%d %s): check %s", e.Status, http.StatusText(e.Status), e.Credentials)
	}
	return fmt.Sprintf("the HR system refused the request (%d %s): %s", e.Status, http.StatusText(e.Status), e.Body)
}

// Do sends the request newReq builds and returns a 2xx answer. A 429
// (after its Retry-After, when given), a 5xx or a failed connection is
// tried again with exponential backoff; other answers are *Refused.
func (r Retry) Do(ctx context.Context, c *http.Client, credentials string, newReq func(context.Context) (*http.Request, error)) (*http.Response, error) {
	r = r.defaults()
	var last error
	for attempt := range r.Attempts {
		if attempt > 0 {
			if err := r.Sleep(ctx, r.wait(attempt, last)); err != nil {
				return nil, err
			}
		}
		req, err := newReq(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() != nil || !retryableTransport(err) {
				return nil, err
			}
			last = err
			continue
		}
		if resp.StatusCode < 300 {
			return resp, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			last = &busy{status: resp.StatusCode, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
			continue
		}
		return nil, &Refused{Status: resp.StatusCode, Body: string(body), Credentials: credentials}
	}
	return nil, fmt.Errorf("the HR system did not answer after %d attempts: %w", r.Attempts, last)
}

// retryableTransport is false for errors no retry mends: a refused OAuth
// refresh, or a token file that is missing, inside the transport.
func retryableTransport(err error) bool {
	return !errors.Is(err, oauthfile.ErrRefused) && !errors.Is(err, oauthfile.ErrNoToken)
}

type busy struct {
	status     int
	retryAfter time.Duration
}

func (b *busy) Error() string { return fmt.Sprintf("%d %s", b.status, http.StatusText(b.status)) }

func (r Retry) wait(attempt int, last error) time.Duration {
	var b *busy
	d := r.Base << (attempt - 1)
	d += time.Duration(rand.Int64N(int64(d)/4 + 1)) // jitter spreads parallel pages
	if errors.As(last, &b) && b.retryAfter > 0 {
		d = b.retryAfter
	}
	return min(d, r.MaxWait)
}

// retryAfter reads seconds or an HTTP date; 0 when absent or unreadable.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
