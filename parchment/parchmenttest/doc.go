// Package parchmenttest is an in-memory stand-in for the Parchment partner
// API, written from Parchment's own documentation and this project's
// reading of it (shared/parchment-api/CONTRACT.md, revision 3), never from
// the client: the same paths under /external, the same envelopes,
// authentication, scopes, validation, conflicts and rate limiting. It
// backs the client's tests, the sandbox command and the demo, and can
// inject latency, server errors (500 or 503) and dropped connections,
// withhold scopes, and hold users made "in the portal" (SeedUser, SeedCSV)
// from the start.
//
// Where the docs show an answer in more than one way, Config picks; each
// field names its default:
//   - reads: full_name led by a held title (UntitledNames turns it off),
//     sex O where N was sent (ReadSexN), details always present,
//     provider_details null when a provider has no record (and, with
//     NullProviderDetails, for non-providers); the get and list shapes
//     (GetShape; ListShape paged, bare, or toplevel with pagination beside
//     data);
//   - scopes: validate needs create:patient; a withheld scope is refused
//     401 "Insufficient scope" on validate and reads and 403 on writes, or
//     one status for all (ScopeRefusal); a token request naming scopes the
//     organisation does not allow gets the rest, or under StrictScopes a
//     refusal naming them;
//   - creates: a taken email is HTTP 409 or, under ExistsAs201, 201 with
//     the same 409 body; a provider create may end in the two documented
//     partial successes (PartialProviderHPII by HPI-I suffix,
//     PartialProviderRate, AnswerCreateWith), leaving the user without a
//     provider record until an update sends provider_details;
//   - roles: unknown and never-assignable roles are a 400; rx_queue_manager,
//     rx_reader without receptionist and DropRoles are filtered out, with
//     the page's 400 when none remain; the answer is what the user holds.
//
// Any organisation id is accepted and provisioned on first use.
package parchmenttest
