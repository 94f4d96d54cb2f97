package parchment

import (
	"context"
	"net/http"
	"slices"
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
	fetch  func(context.Context) (issued, error)
	flight singleflight.Group

	mu      sync.Mutex
	current string
	renewAt time.Time
	// scopes are those the last token answer granted; dropped those the
	// organisation refused to have requested.
	scopes, dropped []string
}

// issued is one token answer.
type issued struct {
	token  string
	ttl    time.Duration
	scopes []string
	// dropped are requested scopes the organisation refused to issue.
	dropped []string
}

func newTokens(static string, fetch func(context.Context) (issued, error)) *tokens {
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
		got, err := t.fetch(fctx)
		if err != nil {
			return "", err
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.current, t.renewAt, t.scopes, t.dropped = got.token, renewalTime(started, got.ttl), got.scopes, got.dropped
		return got.token, nil
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

func (t *tokens) granted() (scopes, dropped []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.scopes), slices.Clone(t.dropped)
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
	// Scope is what the organisation actually granted.
	Scope []string `json:"scope"`
}

// fetchToken exchanges the partner credentials for a token. Only scopes
// approved for the organisation may be requested: if the request is
// refused naming some of them, it is made once more without those.
func (c *Client) fetchToken(ctx context.Context) (issued, error) {
	// A renewal leaves out what an earlier request had to drop.
	_, dropped := c.tokens.granted()
	requested := slices.DeleteFunc(slices.Clone(c.cfg.Scopes), func(s string) bool { return slices.Contains(dropped, s) })
	got, err := c.exchangeToken(ctx, requested, true)
	if err == nil {
		got.dropped = dropped
		return got, nil
	}
	e, _ := AsError(err)
	var refused, kept []string
	if e != nil && e.Status >= 400 && e.Status < 500 {
		named := e.Scopes()
		for _, s := range requested {
			if slices.Contains(named, s) {
				refused = append(refused, s)
			} else {
				kept = append(kept, s)
			}
		}
	}
	if len(refused) == 0 || len(kept) == 0 {
		if e != nil && e.Class() == ClassFatal {
			c.stop(e)
		}
		return issued{}, err
	}
	c.log.Warn("Parchment refused the token request for scopes this organisation is not approved for; requesting the token again without them",
		"dropped_scopes", refused, "requested_scopes", kept, "request_id", e.RequestID)
	got, err = c.exchangeToken(ctx, kept, false)
	got.dropped = append(dropped, refused...)
	return got, err
}

func (c *Client) exchangeToken(ctx context.Context, scopes []string, mayRetry bool) (issued, error) {
	h := http.Header{}
	h.Set("x-partner-id", c.cfg.PartnerID)
	h.Set("x-partner-secret", c.cfg.PartnerSecret)
	h.Set("x-organization-id", c.cfg.OrganizationID)
	h.Set("x-user-id", c.cfg.UserID)
	var data tokenData
	res, err := c.do(ctx, request{
		op:        opToken,
		method:    http.MethodPost,
		path:      "/v1/token",
		header:    h,
		body:      tokenRequest{GrantType: "client_credentials", Scope: scopes},
		into:      &data,
		anonymous: true,
		mayRetry:  mayRetry,
	})
	if err != nil {
		return issued{}, err
	}
	if data.AccessToken == "" {
		return issued{}, res.unreadable(opToken, "no accessToken in the answer")
	}
	c.cfg.Redactor.Add(data.AccessToken)
	ttl := time.Duration(data.ExpiresIn) * time.Second
	c.log.Debug("parchment token renewed", "expires_in", ttl, "scopes", data.Scope, "request_id", res.RequestID)
	return issued{token: data.AccessToken, ttl: ttl, scopes: data.Scope}, nil
}

// GrantedScopes returns the scopes the organisation granted, exchanging the
// partner credentials for a token if none is held yet. known is false with
// a ready token (PARCHMENT_TOKEN), whose scopes only its refusals reveal.
func (c *Client) GrantedScopes(ctx context.Context) (scopes []string, known bool, err error) {
	if !c.tokens.renewable() {
		return nil, false, nil
	}
	if _, err := c.tokens.get(ctx); err != nil {
		if _, ok := AsError(err); ok {
			return nil, false, tokenFailure("token", err)
		}
		return nil, false, err
	}
	scopes, _ = c.tokens.granted()
	return scopes, true, nil
}

// DroppedScopes returns the scopes the last token request had to leave
// out because the organisation is not approved for them.
func (c *Client) DroppedScopes() []string {
	_, dropped := c.tokens.granted()
	return dropped
}
