package parchment

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrStopped is wrapped by every call made after an earlier call of the
// same Client failed fatally; such calls send nothing.
var ErrStopped = errors.New("not sent: an earlier call failed fatally")

// Error is a failed call. Status, Code and the problem fields come from the
// last response, when one arrived; Err holds the network or decoding cause.
type Error struct {
	// Op names the call: "create user", "list users", "token", ….
	Op     string
	Status int
	// Code is the envelope's machine code, e.g. USER_ALREADY_EXISTS.
	Code       string
	Type       string
	Title      string
	Detail     string
	Validation []FieldError
	// UserID is a Parchment user id the error body named, if any (a 409
	// about an existing user may carry one).
	UserID string
	// RequestID is the requestId of the last response.
	RequestID string
	// Attempts lists every exchange of the call, the failed one last.
	Attempts []Attempt
	// Err is the cause when no usable response arrived.
	Err error

	mayHaveApplied bool
	// envelope marks a body that was Parchment's envelope: an answer from
	// the API itself, not from a gateway or another server.
	envelope bool
	// canceled marks a call ended by its own context.
	canceled bool
	// retryAfter is the server's Retry-After, when it sent one.
	retryAfter    time.Duration
	hasRetryAfter bool
	// retryAfterHeader is the header as sent, for messages.
	retryAfterHeader string
}

// FieldError is one entry of a 422's error.validation list.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

func (e *Error) Error() string {
	var head []string
	switch {
	case e.Status != 0:
		head = append(head, strconv.Itoa(e.Status))
	case len(e.Attempts) > 0:
		head = append(head, fmt.Sprintf("no response after %d attempt(s)", len(e.Attempts)))
	}
	for _, s := range []string{e.Code, redact(e.Title)} {
		if s != "" {
			head = append(head, s)
		}
	}
	msg := strings.Join(head, " ")
	if e.Detail != "" {
		msg = joinNonEmpty(": ", msg, redact(e.Detail))
	}
	for _, v := range e.Validation {
		msg += fmt.Sprintf("; %s: %s", v.Field, redact(v.Message))
	}
	if e.Err != nil {
		msg = joinNonEmpty(": ", msg, e.Err.Error())
	}
	if e.RequestID != "" {
		msg += " (request " + e.RequestID + ")"
	}
	return "parchment: " + e.Op + ": " + msg
}

func joinNonEmpty(sep, a, b string) string {
	if a == "" {
		return b
	}
	return a + sep + b
}

func (e *Error) Unwrap() error { return e.Err }

// MayHaveApplied reports whether some attempt of this call may have
// changed Parchment although the call failed: an attempt got no response
// or a 5xx, or a success arrived that could not be read. After a failed
// create it tells "our own create whose answer was lost" from a conflict
// with a user someone else made.
func (e *Error) MayHaveApplied() bool { return e.mayHaveApplied }

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
