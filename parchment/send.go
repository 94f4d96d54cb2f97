package parchment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds what is read of one response; a full page of users is far
// smaller.
const maxBody = 8 << 20

// send makes one HTTP attempt. It returns the result of a readable 2xx, or
// the attempt's error; the Attempt is filled in either way.
func (c *Client) send(ctx context.Context, req request, body []byte, bearer string) (*Result, Attempt, *Error) {
	att := Attempt{Started: time.Now()}
	hreq, err := c.newHTTPRequest(ctx, req, body, bearer)
	if err != nil {
		att.Err = err.Error()
		return nil, att, &Error{Err: err}
	}
	resp, err := c.cfg.HTTPClient.Do(hreq)
	if err != nil {
		att.Duration = time.Since(att.Started)
		att.Err = err.Error()
		att.unsent = unreached(err)
		return nil, att, &Error{Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	att.Duration = time.Since(att.Started)
	att.Status = resp.StatusCode

	var env envelope
	var decodeErr error
	if len(bytes.TrimSpace(raw)) > 0 || resp.StatusCode/100 != 2 {
		decodeErr = json.Unmarshal(raw, &env)
	}
	att.RequestID = env.RequestID
	if att.RequestID == "" {
		att.RequestID = resp.Header.Get("X-Request-Id")
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	status := resp.StatusCode
	if refusal := env.refusal(decodeErr == nil); ok && refusal != 0 {
		// The body speaks first: a 2xx whose body says success:false is a
		// failure of the body's statusCode ("User already exists" arrives
		// as 201 with statusCode 409).
		// The attempt is recorded, counted and judged (may it have
		// applied?) by that status too.
		ok, status, att.Status = false, refusal, refusal
	}
	if ok && readErr == nil && decodeErr == nil {
		r := c.cfg.Redactor
		return &Result{Status: status, Message: r.String(env.Message), RequestID: att.RequestID, code: r.String(env.Code), data: env.Data, pagination: env.Pagination}, att, nil
	}

	e := &Error{Status: status, Code: env.Code, RequestID: att.RequestID, envelope: decodeErr == nil && env.Success != nil}
	if env.Error != nil {
		e.Type, e.Title, e.Detail, e.Validation = env.Error.Type, env.Error.Title, env.Error.Detail, env.Error.Validation
	}
	if e.Title == "" && e.Detail == "" {
		e.Title, e.Detail = http.StatusText(status), env.Message
	}
	var ref userRef
	if json.Unmarshal(env.Data, &ref) == nil {
		e.UserID = ref.id()
	}
	e.retryAfterHeader = resp.Header.Get("Retry-After")
	e.retryAfter, e.hasRetryAfter = parseRetryAfter(e.retryAfterHeader, time.Now())
	switch {
	case readErr != nil:
		e.Err = fmt.Errorf("read response: %w", readErr)
	case ok:
		e.Err = fmt.Errorf("unreadable success: %w", decodeErr)
	}
	// A 2xx means the server acted, whatever became of its answer; one
	// whose body refused says it did not, unless its status is a 5xx.
	e.mayHaveApplied = ok || status >= 500
	att.Err = e.summary()
	return nil, att, e
}

func (c *Client) newHTTPRequest(ctx context.Context, req request, body []byte, bearer string) (*http.Request, error) {
	target := c.base + req.path
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, target, rd)
	if err != nil {
		return nil, errors.New("build request: invalid path")
	}
	for k, vs := range req.header {
		hreq.Header[k] = vs
	}
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "parchment-sync")
	if !req.bare {
		hreq.Header.Set("x-organization-secret", c.cfg.OrganizationSecret)
	}
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		hreq.Header.Set("Authorization", "Bearer "+bearer)
	}
	return hreq, nil
}

// summary is the error without its operation, for an Attempt's Err.
func (e *Error) summary() string {
	return strings.TrimPrefix(e.Error(), "parchment: "+e.Op+": ")
}
