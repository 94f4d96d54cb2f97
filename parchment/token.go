package parchment

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// tokenFetchTimeout bounds one token exchange, retries included. The
// exchange outlives the caller that started it, since others wait on it.
const tokenFetchTimeout = 2 * time.Minute

// tokens caches the bearer token. Concurrent callers that find it missing
// or due for renewal share a single exchange.
type tokens struct {
	static string
	fetch  func(context.Context) (token string, ttl time.Duration, err error)
	flight singleflight.Group

	mu      sync.Mutex
	current string
	renewAt time.Time
}

func newTokens(static string, fetch func(context.Context) (string, time.Duration, error)) *tokens {
	return &tokens{static: static, fetch: fetch}
}

// renewable reports whether a rejected token can be replaced.
func (t *tokens) renewable() bool { return t.static == "" }

// get returns a token valid for a while yet, exchanging credentials for a
// new one when needed.
func (t *tokens) get(ctx context.Context) (string, error) {
	if t.static != "" {
		return t.static, nil
	}
	if tok := t.cached(); tok != "" {
		return tok, nil
	}
	ch := t.flight.DoChan("token", func() (any, error) {
		// A flight that ended just before this one may have renewed it.
		if tok := t.cached(); tok != "" {
			return tok, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenFetchTimeout)
		defer cancel()
		started := time.Now()
		tok, ttl, err := t.fetch(fctx)
		if err != nil {
			return "", err
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.current, t.renewAt = tok, renewalTime(started, ttl)
		return tok, nil
	})
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

func (t *tokens) cached() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current != "" && time.Now().Before(t.renewAt) {
		return t.current
	}
	return ""
}

// invalidate drops tok after the server rejected it, unless another caller
// has already replaced it.
func (t *tokens) invalidate(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current == tok {
		t.current = ""
	}
}

// renewalTime is shortly before the token expires: a fifth of its life
// early, at most a minute. Without a lifetime it is kept until rejected.
func renewalTime(issued time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		return issued.Add(100 * 365 * 24 * time.Hour)
	}
	return issued.Add(ttl - min(ttl/5, time.Minute))
}

// tokenRequest is the body of POST /v1/token.
type tokenRequest struct {
	GrantType string   `json:"grantType"`
	Scope     []string `json:"scope"`
}

// tokenData is the data of the token answer.
type tokenData struct {
	AccessToken string `json:"accessToken"`
	ExpiresIn   int64  `json:"expiresIn"`
	TokenType   string `json:"tokenType"`
}

// fetchToken exchanges the partner credentials for a token.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	h := http.Header{}
	h.Set("x-partner-id", c.cfg.PartnerID)
	h.Set("x-partner-secret", c.cfg.PartnerSecret)
	h.Set("x-organization-id", c.cfg.OrganizationID)
	h.Set("x-user-id", c.cfg.UserID)
	var data tokenData
	res, err := c.do(ctx, request{
		op:        "token",
		method:    http.MethodPost,
		path:      "/v1/token",
		header:    h,
		body:      tokenRequest{GrantType: "client_credentials", Scope: c.cfg.Scopes},
		into:      &data,
		anonymous: true,
	})
	if err != nil {
		return "", 0, err
	}
	if data.AccessToken == "" {
		return "", 0, res.unreadable("token", "no accessToken in the answer")
	}
	ttl := time.Duration(data.ExpiresIn) * time.Second
	c.log.Debug("parchment token renewed", "expires_in", ttl, "request_id", res.RequestID)
	return data.AccessToken, ttl, nil
}
