package parchment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// request describes one call to the API.
type request struct {
	op     string
	method string
	path   string // escaped, relative to BaseURL
	query  url.Values
	header http.Header // extra headers: the token exchange's credentials
	body   any         // sent as JSON when non-nil
	into   any         // receives the envelope's data on success
	// anonymous requests carry no bearer token: the token exchange itself.
	anonymous bool
	// bare requests carry no credential at all, not even the
	// organisation's secret: Probe's, which may reach a wrong host.
	bare bool
	// once is not sent again after an attempt that may have applied: a
	// create, which the caller must look up before sending again.
	once bool
	// mayRetry leaves a fatal failure to the caller, which may try once
	// more differently (a token request without refused scopes) and stops
	// the client itself if not.
	mayRetry bool
}

// Result is what every successful call reports about its exchange.
type Result struct {
	// Status is the HTTP status of the successful attempt.
	Status int
	// Message is the envelope's human-readable message.
	Message string
	// RequestID is the successful attempt's requestId (for a list, the
	// last page's; each page's is in Attempts).
	RequestID string
	// Attempts lists every exchange of the call, the successful one last.
	Attempts []Attempt

	code       string
	data       json.RawMessage
	pagination *pagination
}

// unreadable turns a success the client cannot use into an error. The
// server did act, so the error says it may have applied.
func (r *Result) unreadable(op, why string) *Error {
	return &Error{
		Op: op, Status: r.Status, RequestID: r.RequestID, Attempts: r.Attempts,
		Err: errors.New("unreadable success: " + why), mayHaveApplied: true,
	}
}

// do runs one call: it paces, authenticates, sends and retries until the
// call succeeds, fails for good or runs out of attempts.
func (c *Client) do(ctx context.Context, req request) (*Result, error) {
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return nil, &Error{Op: req.op, Err: fmt.Errorf("encode request: %w", err)}
		}
	}
	var attempts []Attempt
	fail := func(e *Error) (*Result, error) {
		if e.Op == "" {
			e.Op = req.op
		}
		e.Attempts = attempts
		e.mayHaveApplied = e.mayHaveApplied || slices.ContainsFunc(attempts, Attempt.mayHaveApplied)
		if e.Class() == ClassFatal && !req.mayRetry {
			c.stop(e)
		}
		return nil, e
	}
	// last is the latest attempt's error: when the caller's context cuts
	// a wait short, the call reports that rather than a bare context error.
	var last *Error
	interrupted := func(err error) (*Result, error) {
		if last == nil {
			last = &Error{}
		}
		if ctx.Err() == nil && stopping(ctx) {
			err = ErrNotSent
		}
		last.Err, last.canceled = err, true
		return fail(last)
	}
	wait, stopWaiting := waitContext(ctx)
	defer stopWaiting()
	limit := c.cfg.MaxAttempts
	renewed := false
	for {
		if e := c.stopped(); e != nil {
			return fail(e)
		}
		bearer, err := c.bearer(ctx, req)
		if err != nil {
			if _, ok := AsError(err); ok {
				return fail(tokenFailure(req.op, err))
			}
			return interrupted(err)
		}
		turn, err := c.pacer.wait(wait)
		if err != nil {
			return interrupted(err)
		}
		// Another call may have failed fatally, or the run begun to stop,
		// while this one waited for its turn.
		if e := c.stopped(); e != nil {
			return fail(e)
		}
		if stopping(ctx) {
			return interrupted(ErrNotSent)
		}
		res, att, e := c.sendWithin(ctx, req, body, bearer)
		attempts = append(attempts, att)
		c.log.Debug("parchment attempt", "op", req.op, "attempt", len(attempts), "status", att.Status,
			"request_id", att.RequestID, "duration", att.Duration, "error", att.Err)
		if e == nil {
			c.pacer.admitted()
			res.Attempts = attempts
			err := res.decode(req.into)
			res.data = nil
			if err != nil {
				return fail(res.unreadable(req.op, err.Error()))
			}
			return res, nil
		}
		last = e
		if (e.Status == http.StatusTooManyRequests || e.Class() == ClassRetry) && c.tooLongWait(e) {
			// Only an answer that would be waited out can ask too much: a
			// refusal's Retry-After is not obeyed anyway.
			return fail(e)
		}
		backoffWait, ok := e.retryAfter, e.hasRetryAfter
		if !ok {
			backoffWait = backoff(len(attempts), c.cfg.MinBackoff, c.cfg.MaxBackoff, c.jitter)
		}
		ownWait := false // this call waits its Retry-After though the others need not
		switch {
		case e.Status == http.StatusTooManyRequests:
			// The limit is the organisation's: every goroutine holds back,
			// even when this call retries no more.
			ownWait = c.pacer.limited(turn, backoffWait)
		case att.Status != 0:
			// Any other answer got past the server's limiter.
			c.pacer.admitted()
		}
		if ctx.Err() != nil {
			return interrupted(ctx.Err())
		}
		if e.Status == http.StatusUnauthorized && !e.ScopeRefusal() && bearer != "" && c.tokens.renewable() && !renewed {
			// Tokens can be revoked before they expire: renew once and
			// send again; a second 401 is final.
			renewed = true
			limit++
			c.tokens.invalidate(bearer)
			continue
		}
		if e.Class() != ClassRetry || len(attempts) >= limit || req.once && att.mayHaveApplied() {
			return fail(e)
		}
		c.log.Warn("parchment retry", "op", req.op, "attempt", len(attempts), "status", att.Status,
			"request_id", att.RequestID, "wait", backoffWait, "error", att.Err)
		if e.Status == http.StatusTooManyRequests && !ownWait {
			continue // the pacer holds this call back with the others
		}
		if err := sleep(wait, backoffWait); err != nil {
			return interrupted(err)
		}
	}
}

// bearer returns the token for an API call, none for the token exchange.
func (c *Client) bearer(ctx context.Context, req request) (string, error) {
	if req.anonymous {
		return "", nil
	}
	return c.tokens.get(ctx)
}

// tokenFailure turns a failed token exchange into the failure of the call
// that needed it. The token's own error is shared by every caller waiting
// on the exchange, so it is copied, not changed.
func tokenFailure(op string, err error) *Error {
	t, _ := AsError(err)
	if op != opToken {
		op += " (token)"
	}
	return &Error{
		Op: op, Status: t.Status, Code: t.Code, Type: t.Type, Title: t.Title,
		Detail: t.Detail, Validation: t.Validation, RequestID: t.RequestID, Err: t.Err, canceled: t.canceled, envelope: t.envelope,
	}
}

// decode reads the envelope's data into into.
func (r *Result) decode(into any) error {
	if into == nil || len(r.data) == 0 || string(r.data) == "null" {
		return nil
	}
	return json.Unmarshal(r.data, into)
}
