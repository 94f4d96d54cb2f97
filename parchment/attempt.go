package parchment

import "time"

// Attempt is one HTTP exchange of a call, successful or not. Calls return
// all of theirs, on success and on error, so the caller can keep one
// ledger row per request actually sent. Token exchanges are not listed:
// they belong to no call and are logged instead.
type Attempt struct {
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// RequestID is Parchment's requestId for the exchange, when it sent one.
	RequestID string
	// Err says what went wrong, empty on success. It never holds a secret.
	Err      string
	Duration time.Duration
	Started  time.Time
}

// mayHaveApplied reports whether the server may have acted on the request
// although it answered no success: no response at all, or a 5xx.
func (a Attempt) mayHaveApplied() bool { return a.Status == 0 || a.Status >= 500 }
