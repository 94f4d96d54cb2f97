package parchmenttest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"
)

// Credentials the server accepts when Config leaves them empty.
const (
	DefaultOrganizationSecret = "sandbox-organization-secret"
	DefaultPartnerID          = "sandbox-partner"
	DefaultPartnerSecret      = "sandbox-partner-secret"
)

// Config configures a Server. Zero fields take the default their comment
// names.
type Config struct {
	// OrganizationSecret is the x-organization-secret every call must
	// carry, whatever the organisation. Defaults to
	// DefaultOrganizationSecret.
	OrganizationSecret string

	// Token is a static bearer token accepted for every organisation,
	// besides the tokens the server issues. It carries every scope the
	// organisation allows (Scopes, AllowScopes), so a rehearsal with
	// fewer scopes holds whichever token the client uses. Defaults to none.
	Token string

	// PartnerID and PartnerSecret are the partner credentials the token
	// exchange accepts. Default to DefaultPartnerID and
	// DefaultPartnerSecret.
	PartnerID     string
	PartnerSecret string

	// TokenTTL is the lifetime of issued tokens, answered as expiresIn in
	// whole seconds. Defaults to one hour.
	TokenTTL time.Duration

	// Rate is the requests per second each organisation may make before
	// it gets 429s. Defaults to 0: unlimited. SetRate changes it for one
	// organisation mid-run.
	Rate float64

	// Burst is how many requests an organisation may make at once.
	// Defaults to one second's worth of Rate, at least 1.
	Burst int

	// Latency delays every answer.
	Latency time.Duration

	// FailRate is the fraction of calls (token exchange excepted) answered
	// FailStatus before any change is made.
	FailRate float64

	// FailStatus is the status of the failures FailRate injects:
	// http.StatusInternalServerError (500) or
	// http.StatusServiceUnavailable (503, "External service temporarily
	// unavailable", which the contract says to retry like a 500). Defaults
	// to 500.
	FailStatus int

	// DropRate is the fraction of successful mutating calls (create,
	// update, roles, disable, enable) whose connection is closed without an
	// answer after the change was applied, as when a response is lost.
	DropRate float64

	// Scopes are what every new organisation allows its tokens to carry
	// (AllowScopes changes one organisation later). Each must be one of
	// KnownScopes. Defaults, when nil, to all of KnownScopes; an empty
	// non-nil slice allows none.
	Scopes []string

	// ListShape picks which of the list page's two answers the users list
	// gives: ListPaged or ListBare. Defaults to ListPaged.
	ListShape string

	// GetShape picks which of the pages' get-user answers is given:
	// GetDetails or GetOlder. Defaults to GetDetails.
	GetShape string

	// Seed makes user ids, tokens, request ids and injected faults
	// reproducible for the same sequence of requests.
	Seed uint64

	// Logger receives one debug line per request. Defaults to discarding.
	Logger *slog.Logger
}

// List shapes, the two the list page shows.
const (
	// ListPaged answers data{users:[{user_id, external_user_id,
	// full_name, access_roles}], pagination{total, limit, lastKey}}.
	ListPaged = "paged"
	// ListBare answers data as a bare array of every user, each
	// {user_id, email}, with no pagination: limit and lastKey are ignored.
	ListBare = "bare"
)

// Get shapes, the two the pages show.
const (
	// GetDetails answers data{user_id, email, external_user_id,
	// full_name, access_roles, details{…}, provider_details{…}}, with
	// provider_details for providers only.
	GetDetails = "details"
	// GetOlder answers data{user_id, external_user_id, email, full_name,
	// access_roles, title}: no details, no provider_details.
	GetOlder = "older"
)

// Validate reports a Config field no default can mend. New panics on it;
// callers taking settings from people (the sandbox) check first.
func (cfg Config) Validate() error {
	var errs []error
	if cfg.FailStatus != 0 && cfg.FailStatus != http.StatusInternalServerError && cfg.FailStatus != http.StatusServiceUnavailable {
		errs = append(errs, fmt.Errorf("FailStatus %d: must be 500 or 503", cfg.FailStatus))
	}
	if cfg.ListShape != "" && cfg.ListShape != ListPaged && cfg.ListShape != ListBare {
		errs = append(errs, fmt.Errorf("ListShape %q: must be %q or %q", cfg.ListShape, ListPaged, ListBare))
	}
	if cfg.GetShape != "" && cfg.GetShape != GetDetails && cfg.GetShape != GetOlder {
		errs = append(errs, fmt.Errorf("GetShape %q: must be %q or %q", cfg.GetShape, GetDetails, GetOlder))
	}
	for _, sc := range cfg.Scopes {
		if !slices.Contains(KnownScopes(), sc) {
			errs = append(errs, fmt.Errorf("Scopes: %q is not a known scope", sc))
		}
	}
	return errors.Join(errs...)
}

func (cfg Config) withDefaults() Config {
	if cfg.OrganizationSecret == "" {
		cfg.OrganizationSecret = DefaultOrganizationSecret
	}
	if cfg.PartnerID == "" {
		cfg.PartnerID = DefaultPartnerID
	}
	if cfg.PartnerSecret == "" {
		cfg.PartnerSecret = DefaultPartnerSecret
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	cfg.Burst = orDefaultBurst(cfg.Burst, cfg.Rate)
	if cfg.FailStatus == 0 {
		cfg.FailStatus = http.StatusInternalServerError
	}
	if cfg.Scopes == nil {
		cfg.Scopes = KnownScopes()
	} else {
		cfg.Scopes = slices.Clone(cfg.Scopes)
	}
	if cfg.ListShape == "" {
		cfg.ListShape = ListPaged
	}
	if cfg.GetShape == "" {
		cfg.GetShape = GetDetails
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}
