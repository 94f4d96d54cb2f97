package parchment

import (
	"errors"
	"net"
	"time"
)

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

	// unsent marks an attempt that never reached the server: no
	// connection could be made.
	unsent bool
}

// mayHaveApplied reports whether the server may have acted on the request
// although it answered no success: no response at all after a connection
// was made, or a 5xx.
func (a Attempt) mayHaveApplied() bool { return !a.unsent && (a.Status == 0 || a.Status >= 500) }

// unreached reports a transport error that happened before anything was
// sent: the connection could not be made or the host not found.
func unreached(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.As(err, &op) && op.Op == "dial"
}
