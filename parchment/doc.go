// Package parchment is a client for the Parchment Health partner API as
// this project reads it (shared/parchment-api/CONTRACT.md): token exchange,
// organisation validation and user create, update, get and list.
//
// One Client serves one organisation. It paces every request through one
// limiter shared by all goroutines, retries transient failures with
// backoff, pauses the whole organisation after a 429, and stops sending
// altogether after a fatal error. Every HTTP attempt of a call is reported
// back (see Attempt) so the caller can keep a ledger of what was sent.
package parchment
