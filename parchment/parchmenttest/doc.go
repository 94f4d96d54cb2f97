// Package parchmenttest is an in-memory stand-in for the Parchment partner
// API, faithful to this project's reading of it
// (shared/parchment-api/CONTRACT.md): the same paths under /external, the
// same envelopes, authentication, scopes, validation, conflicts and rate
// limiting. It backs the client's tests, the sandbox command and the demo,
// and can inject latency, server errors (500 or 503) and dropped
// connections, withhold scopes, answer either of the shapes the pages show
// for listing and getting users, and hold users made "in the portal"
// (SeedUser, SeedCSV) from the start.
//
// Any organisation id is accepted and provisioned on first use.
package parchmenttest
