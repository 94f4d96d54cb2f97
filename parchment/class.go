package parchment

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
)

// Class says how far a failure reaches.
type Class int

const (
	// ClassRetry is transient: 408, 429, 5xx, network errors, timeouts.
	// The client has already retried it up to MaxAttempts; a later run may
	// succeed. A call ended by its own context is also ClassRetry.
	ClassRetry Class = iota + 1
	// ClassRecord fails only the record concerned: 400, 404, 409, 422 and
	// other 4xx, or a success whose body could not be read.
	ClassRecord
	// ClassFatal stops the whole run: 401 after the one renewal, 403 on
	// anything but a change to an existing user, an unexpected redirect, an
	// untrusted certificate. The Client refuses every later call.
	ClassFatal
	// ClassDenied is a scope refusal (a 401 or 403 whose body speaks of
	// scope or permissions, on any call but the token's), or any 403 on an
	// update, roles, disable or enable call: the organisation does not
	// allow that kind of call (update:user is "coming soon" for many).
	// Other calls go on; the caller stops sending that kind.
	ClassDenied
)

func (c Class) String() string {
	switch c {
	case ClassRetry:
		return "retry"
	case ClassRecord:
		return "record"
	case ClassFatal:
		return "fatal"
	case ClassDenied:
		return "denied"
	}
	return "unknown"
}

// Class is the one place that maps a failure to its reach; the retry loop
// uses it too.
func (e *Error) Class() Class {
	switch {
	case errors.Is(e.Err, ErrStopped), errors.Is(e.Err, ErrRetryAfterTooLong):
		return ClassFatal
	case e.canceled:
		return ClassRetry
	case e.Status == 0 && isCertificateError(e.Err):
		return ClassFatal
	case e.Status == 0, e.Status == http.StatusRequestTimeout,
		e.Status == http.StatusTooManyRequests, e.Status >= 500:
		return ClassRetry
	case e.Op != opToken && e.ScopeRefusal(), e.Status == http.StatusForbidden && changesExistingUser(e.Op):
		return ClassDenied
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden, e.Status < 200, e.Status >= 300 && e.Status < 400:
		return ClassFatal
	default:
		return ClassRecord
	}
}

func changesExistingUser(op string) bool {
	switch op {
	case opUpdate, opRoles, opDisable, opEnable:
		return true
	}
	return false
}

// isCertificateError spots TLS verification failures: retrying cannot fix
// a host the client does not trust.
func isCertificateError(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verify)
}

// ClassOf returns err's class, ClassRetry for errors that are not *Error
// (such as a context's) and 0 for nil.
func ClassOf(err error) Class {
	if err == nil {
		return 0
	}
	if e, ok := AsError(err); ok {
		return e.Class()
	}
	return ClassRetry
}

// IsFatal reports whether err must stop the whole run.
func IsFatal(err error) bool { return ClassOf(err) == ClassFatal }

// IsRecord reports whether err fails only the record it concerns.
func IsRecord(err error) bool { return ClassOf(err) == ClassRecord }

// IsDenied reports whether err is a refusal of a kind of call the
// organisation's token does not allow.
func IsDenied(err error) bool { return ClassOf(err) == ClassDenied }

// IsRetry reports whether err is transient.
func IsRetry(err error) bool { return ClassOf(err) == ClassRetry }
