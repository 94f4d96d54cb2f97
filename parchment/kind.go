package parchment

import (
	"net/http"
	"strings"
)

// ErrorKind says which setting a failure points at, for an operator's
// message; Class says how far it reaches, for the run.
type ErrorKind string

const (
	// KindNetwork: nothing answered (connection refused, unknown host,
	// timeout): the base URL's host, or the network to it.
	KindNetwork ErrorKind = "network"
	// KindURL: something answered, but not the API at that path: a 404,
	// a redirect, or a body that is not Parchment's envelope (the base URL
	// without its /external prefix, or another server).
	KindURL ErrorKind = "url"
	// KindTLS: https spoken to a plain http server, or a certificate the
	// client does not trust.
	KindTLS ErrorKind = "tls"
	// KindCredentials: the API refused who we are (401, or the token
	// exchange's 403).
	KindCredentials ErrorKind = "credentials"
	// KindScope: the API knows us but the token may not make the call.
	KindScope ErrorKind = "scope"
)

// Kind classifies err for a message naming what to check; "" when it is
// none of the kinds (a record's own problem, a server error, a context's
// end). It suits the organisation-wide calls (token, validate, a listing):
// for a call about one user a 404 means that user, not the URL.
func Kind(err error) ErrorKind {
	e, ok := AsError(err)
	if !ok || e.canceled {
		return ""
	}
	switch {
	case e.Status == 0 && (isCertificateError(e.Err) || isProtocolMismatch(e.Err)):
		return KindTLS
	case e.Status == 0 && e.Err != nil && len(e.Attempts) > 0:
		return KindNetwork
	case e.Status == 0:
		return ""
	case e.ScopeRefusal() && e.Op != opToken:
		return KindScope
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden && e.envelope:
		if e.Status == http.StatusForbidden && e.Op != opToken {
			return KindScope
		}
		return KindCredentials
	case e.Status == http.StatusNotFound, e.Status >= 300 && e.Status < 400, !e.envelope && e.Status < 500:
		return KindURL
	}
	return ""
}

// isProtocolMismatch spots https spoken to a plain http server, or a
// handshake that failed; net/http reports the first as text only.
func isProtocolMismatch(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") ||
		strings.Contains(err.Error(), "tls: "))
}
