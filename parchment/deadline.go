package parchment

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoWholeAnswer is wrapped by an attempt cut off by CallTimeout: a
// stalled body is no answer, whatever its headers said.
var ErrNoWholeAnswer = errors.New("no whole answer in time")

// sendWithin is send bounded by CallTimeout, headers and body alike, so a
// server trickling its answer costs no more than one that never answers,
// and counts as silent like one. Server text in the result is scrubbed.
func (c *Client) sendWithin(ctx context.Context, req request, body []byte, bearer string) (*Result, Attempt, *Error) {
	callCtx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	res, att, e := c.send(callCtx, req, body, bearer)
	if e == nil {
		return res, att, nil
	}
	c.scrub(e)
	if e.Err != nil && ctx.Err() == nil && errors.Is(callCtx.Err(), context.DeadlineExceeded) {
		e = c.stalled(att.Status)
		att.Status = 0
	}
	att.Err = e.summary()
	return nil, att, e
}

// stalled is the error of an attempt whose answer did not arrive whole
// within CallTimeout; status is what its headers said, 0 if none came.
func (c *Client) stalled(status int) *Error {
	if status == 0 {
		return &Error{Err: fmt.Errorf("%w: nothing within %v", ErrNoWholeAnswer, c.cfg.CallTimeout)}
	}
	return &Error{Err: fmt.Errorf("%w: headers (HTTP %d) came, then the body stalled past %v", ErrNoWholeAnswer, status, c.cfg.CallTimeout)}
}
