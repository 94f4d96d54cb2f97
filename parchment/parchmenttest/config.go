package parchmenttest

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
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

	// LatencyJitter spreads Latency uniformly by up to this fraction
	// either way (0.2: 80 ms becomes 64-96 ms), drawn per request from
	// the Seed, as a real service's answer times vary. From 0 to 1;
	// defaults to 0: every answer takes Latency.
	LatencyJitter float64

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
	// KnownScopes. Defaults, when nil, to all of KnownScopes, less
	// delete:user under StrictScopes (no organisation is approved for a
	// "coming soon" scope nobody asked for); an empty non-nil slice allows
	// none.
	Scopes []string

	// ListShape picks which of the list page's two answers the users list
	// gives: ListPaged or ListBare. Defaults to ListPaged.
	ListShape string

	// GetShape picks which of the pages' get-user answers is given:
	// GetDetails or GetOlder. Defaults to GetDetails.
	GetShape string

	// UntitledNames answers full_name on reads as stored, without the
	// title. Defaults to false: a held title leads the display name
	// ("Dr Aroha Ngata"), as every version of the get page shows.
	UntitledNames bool

	// ReadSexN answers a stored sex N as N on reads. Defaults to false:
	// reads answer O where N was sent, as the get page lists M, F, I, O.
	ReadSexN bool

	// NullProviderDetails answers provider_details: null for users who
	// are not providers, as examples.json's get_200_non_provider_details
	// shows. Defaults to false: the get page says such users have no
	// provider_details field at all.
	NullProviderDetails bool

	// ScopeRefusal picks the status of an answer refusing a call for a
	// scope its token lacks: ScopeRefusalDocumented (the default), 401 or
	// 403 for every call.
	ScopeRefusal string

	// StrictScopes refuses a token request naming any scope the
	// organisation has not approved, naming those scopes, as the token
	// page says ("You can only request scopes that have been approved for
	// your organization"). Defaults to false: the scopes page's
	// intersection of requested and allowed scopes is granted.
	StrictScopes bool

	// ExistsAs201 answers a create whose email is taken with HTTP 201 and
	// the body success:false, statusCode:409, code USER_ALREADY_EXISTS, as
	// the create page's "Partial Success - User Already Exists (201
	// Created)" heading shows. Defaults to false: HTTP 409 with that body.
	// A taken partner_user_id is a 409 either way.
	ExistsAs201 bool

	// PartialProviderHPII maps an HPI-I suffix to the partial success a
	// create with the provider role answers when its hpii_number ends in
	// it (ProviderNotFound or ProviderAlreadyExists); the longest matching
	// suffix wins. Defaults to none.
	PartialProviderHPII map[string]CreateAnswer

	// PartialProviderRate is the fraction of creates with the provider
	// role (not already made partial by AnswerCreateWith or
	// PartialProviderHPII) whose provider part fails; which of the two
	// documented answers is drawn evenly, from the Seed. Defaults to 0.
	PartialProviderRate float64

	// DropRoles are roles the server accepts on create and roles calls
	// but silently does not keep, like the roles it filters itself, so a
	// client meets a server that keeps fewer roles than it sent. Each must
	// be one the roles call accepts. Defaults to none.
	DropRoles []string

	// Seed makes user ids, tokens, request ids and injected faults
	// reproducible for the same sequence of requests.
	Seed uint64

	// Logger receives one debug line per request. Defaults to discarding.
	Logger *slog.Logger
}

// List shapes: the two the list page shows and the response standard's.
const (
	// ListPaged answers data{users:[{user_id, external_user_id,
	// full_name, access_roles}], pagination{total, limit, lastKey}}.
	ListPaged = "paged"
	// ListBare answers data as a bare array of every user, each
	// {user_id, email}, with no pagination: limit and lastKey are ignored.
	ListBare = "bare"
	// ListTopLevel answers data as a bare array of one page's users, each
	// {user_id, email}, with pagination{count, hasNext, limit, offset,
	// lastKey} beside data, as the response standard places it; lastKey
	// is null on the last page.
	ListTopLevel = "toplevel"
)

// Scope refusal statuses (Config.ScopeRefusal).
const (
	// ScopeRefusalDocumented answers as each call's page shows: 401
	// "Insufficient scope" for validate, list and get; 403 "Insufficient
	// permissions" naming the scope for create, update, roles, disable and
	// enable.
	ScopeRefusalDocumented = "documented"
	// ScopeRefusal401 answers every refusal 401 "Insufficient scope".
	ScopeRefusal401 = "401"
	// ScopeRefusal403 answers every refusal 403 "Insufficient
	// permissions", naming the scope.
	ScopeRefusal403 = "403"
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
	if cfg.ListShape != "" && !slices.Contains(ListShapes(), cfg.ListShape) {
		errs = append(errs, fmt.Errorf("ListShape %q: must be one of %s", cfg.ListShape, strings.Join(ListShapes(), ", ")))
	}
	if cfg.ScopeRefusal != "" && !slices.Contains(ScopeRefusals(), cfg.ScopeRefusal) {
		errs = append(errs, fmt.Errorf("ScopeRefusal %q: must be one of %s", cfg.ScopeRefusal, strings.Join(ScopeRefusals(), ", ")))
	}
	if cfg.LatencyJitter < 0 || cfg.LatencyJitter > 1 {
		errs = append(errs, fmt.Errorf("LatencyJitter %v: must be from 0 to 1", cfg.LatencyJitter))
	}
	if cfg.PartialProviderRate < 0 || cfg.PartialProviderRate > 1 {
		errs = append(errs, fmt.Errorf("PartialProviderRate %v: must be from 0 to 1", cfg.PartialProviderRate))
	}
	for suffix, answer := range cfg.PartialProviderHPII {
		if suffix == "" || !digitsOnly.MatchString(suffix) || len(suffix) > 16 {
			errs = append(errs, fmt.Errorf("PartialProviderHPII: suffix %q must be 1-16 digits", suffix))
		}
		if answer != ProviderNotFound && answer != ProviderAlreadyExists {
			errs = append(errs, fmt.Errorf("PartialProviderHPII: %q must be %s or %s", answer, ProviderNotFound, ProviderAlreadyExists))
		}
	}
	for _, r := range cfg.DropRoles {
		if !slices.Contains(AssignableRoles(), r) {
			errs = append(errs, fmt.Errorf("DropRoles: %q is not a role the roles call accepts (%s)", r, strings.Join(AssignableRoles(), ", ")))
		}
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
		cfg.Scopes = defaultScopes(cfg.StrictScopes)
	} else {
		cfg.Scopes = slices.Clone(cfg.Scopes)
	}
	if cfg.ListShape == "" {
		cfg.ListShape = ListPaged
	}
	if cfg.GetShape == "" {
		cfg.GetShape = GetDetails
	}
	if cfg.ScopeRefusal == "" {
		cfg.ScopeRefusal = ScopeRefusalDocumented
	}
	cfg.PartialProviderHPII = maps.Clone(cfg.PartialProviderHPII)
	cfg.DropRoles = slices.Clone(cfg.DropRoles)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// ListShapes lists the values Config.ListShape takes.
func ListShapes() []string { return []string{ListPaged, ListBare, ListTopLevel} }

// ScopeRefusals lists the values Config.ScopeRefusal takes.
func ScopeRefusals() []string {
	return []string{ScopeRefusalDocumented, ScopeRefusal401, ScopeRefusal403}
}

// defaultScopes is what an organisation allows when Config.Scopes is nil.
func defaultScopes(strict bool) []string {
	if strict {
		return slices.DeleteFunc(KnownScopes(), func(sc string) bool { return sc == scopeDeleteUser })
	}
	return KnownScopes()
}
