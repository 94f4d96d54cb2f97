package parchment

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	redactText "github.com/parchment-sync/parchment-sync/internal/redact"
)

// Scopes the API knows. A token only carries those the organisation allows.
const (
	ScopeCreateUser = "create:user"
	ScopeReadUser   = "read:user"
	ScopeReadUsers  = "read:users"
	ScopeUpdateUser = "update:user"
	// ScopeDeleteUser is what a refused disable names, although the disable
	// call's notes say update:user. It is "coming soon" and never
	// requested: only approved scopes may be asked for.
	ScopeDeleteUser = "delete:user"
)

// RateAuto, as Config.Rate, asks the Client to find the organisation's
// limit with no ceiling.
const RateAuto = -1

// Defaults applied by New to zero Config fields.
const (
	DefaultRate        = 10
	DefaultBurst       = 1
	DefaultMaxAttempts = 6
	DefaultMinBackoff  = 500 * time.Millisecond
	DefaultMaxBackoff  = 30 * time.Second
	DefaultCallTimeout = 30 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After honoured: a server
	// asking for more is treated as unreachable for this run.
	DefaultMaxRetryAfter = 5 * time.Minute
)

// Config configures a Client. Zero fields take the default their comment
// names; New rejects a Config that cannot work, naming every problem.
type Config struct {
	// BaseURL is the API root including its path prefix, e.g.
	// https://api.sandbox.parchmenthealth.io/external. Required. It must use
	// https; plain http is accepted only for loopback hosts (127.0.0.0/8,
	// ::1, localhost), where a local stand-in listens.
	BaseURL string

	// OrganizationID is the organisation every call works in. Required.
	OrganizationID string

	// OrganizationSecret is sent as x-organization-secret on every call.
	// Required.
	OrganizationSecret string

	// Token is a ready bearer token. Set either Token or all of PartnerID,
	// PartnerSecret and UserID, not both. A static token cannot be renewed,
	// so a 401 with it is fatal at once.
	Token string

	// PartnerID, PartnerSecret and UserID are the partner credentials the
	// client exchanges for tokens at POST /v1/token, renewing them shortly
	// before they expire and once after a 401.
	PartnerID     string
	PartnerSecret string
	UserID        string

	// Scopes are requested with every token; the answer says which were
	// granted. Defaults to exactly create:user, read:user, read:users and
	// update:user: an organisation may refuse a request for a scope it is
	// not approved for, so no call's unneeded scope is asked for.
	Scopes []string

	// HTTPClient sends every request. Defaults to a client that does not
	// follow redirects; CallTimeout bounds each request.
	HTTPClient *http.Client

	// CallTimeout bounds one request, from sending it to the last byte of
	// the answer. A request cut off by it got no answer, even when its
	// headers had arrived: it is retried like one that got no response,
	// and counts as silence toward taking Parchment to be unreachable.
	// Defaults to 30 s.
	CallTimeout time.Duration

	// MaxRetryAfter is the longest Retry-After the Client waits. An answer
	// asking for more fails the call fatally (the Client sends nothing
	// more), rather than hold the organisation for as long as a server
	// says. Defaults to 5 minutes.
	MaxRetryAfter time.Duration

	// Redactor cleans what the server writes (an error's title, detail,
	// validation messages, a failed exchange's cause) before it reaches
	// errors, attempts and logs. The Client registers its own secrets with
	// it. Defaults to one knowing only those.
	Redactor *redactText.Redactor

	// Rate is the most requests per second the Client sends to the
	// organisation, shared by every goroutine using it. Defaults to 10.
	// It is a ceiling: the Client starts there, and when the server answers
	// 429 it learns the server's limit from the answers and stays just
	// under it, probing back up later. RateAuto sets no ceiling: the Client
	// starts at 2 requests/s and finds the limit.
	Rate float64

	// Burst is how many requests may go at once before Rate applies.
	// Defaults to 1: Parchment publishes no limits, so requests are spread
	// evenly rather than bunched.
	Burst int

	// MaxAttempts bounds the attempts of one call on retryable failures
	// (429, 5xx, network errors). The one retry after a token renewal is
	// not counted. Defaults to 6.
	MaxAttempts int

	// MinBackoff and MaxBackoff bound the exponential backoff between
	// attempts; each wait is drawn at random up to the current bound (full
	// jitter). A Retry-After header overrides them. Default to 500 ms and
	// 30 s.
	MinBackoff time.Duration
	MaxBackoff time.Duration

	// Logger receives one debug line per attempt and warnings on retries.
	// It never receives secrets or tokens. Defaults to discarding.
	Logger *slog.Logger
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{ScopeCreateUser, ScopeReadUser, ScopeReadUsers, ScopeUpdateUser}
	} else {
		cfg.Scopes = slices.Clone(cfg.Scopes)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{
			// The API never redirects; following one would resend
			// credentials somewhere unexpected.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	cfg.Rate = orDefault(cfg.Rate, DefaultRate)
	cfg.Burst = orDefault(cfg.Burst, DefaultBurst)
	cfg.MaxAttempts = orDefault(cfg.MaxAttempts, DefaultMaxAttempts)
	cfg.MinBackoff = orDefault(cfg.MinBackoff, DefaultMinBackoff)
	cfg.MaxBackoff = orDefault(cfg.MaxBackoff, DefaultMaxBackoff)
	cfg.CallTimeout = orDefault(cfg.CallTimeout, DefaultCallTimeout)
	cfg.MaxRetryAfter = orDefault(cfg.MaxRetryAfter, DefaultMaxRetryAfter)
	if cfg.Redactor == nil {
		cfg.Redactor = redactText.New()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// validate reports every problem of a defaulted Config at once. Messages
// name fields, never their secret values.
func (cfg Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("parchment: config: "+format, args...))
	}
	if _, err := parseBaseURL(cfg.BaseURL); err != nil {
		bad("BaseURL: %v", err)
	}
	if cfg.OrganizationID == "" {
		bad("OrganizationID is required")
	}
	if cfg.OrganizationSecret == "" {
		bad("OrganizationSecret is required")
	}
	partner := cfg.PartnerID != "" || cfg.PartnerSecret != "" || cfg.UserID != ""
	switch {
	case cfg.Token != "" && partner:
		bad("set Token or PartnerID, PartnerSecret and UserID, not both")
	case cfg.Token == "" && !partner:
		bad("Token or PartnerID, PartnerSecret and UserID are required")
	case partner && (cfg.PartnerID == "" || cfg.PartnerSecret == "" || cfg.UserID == ""):
		bad("PartnerID, PartnerSecret and UserID must all be set")
	}
	for _, s := range cfg.Scopes {
		if s == "" {
			bad("Scopes holds an empty scope")
		}
	}
	if !(cfg.Rate > 0 || cfg.Rate == RateAuto) { // NaN too
		bad("Rate must be positive or RateAuto, got %v", cfg.Rate)
	}
	if cfg.Burst < 0 {
		bad("Burst must be positive, got %d", cfg.Burst)
	}
	if cfg.MaxAttempts < 0 {
		bad("MaxAttempts must be positive, got %d", cfg.MaxAttempts)
	}
	if cfg.MinBackoff < 0 || cfg.MaxBackoff < cfg.MinBackoff {
		bad("need 0 < MinBackoff <= MaxBackoff, got %v and %v", cfg.MinBackoff, cfg.MaxBackoff)
	}
	if cfg.CallTimeout < 0 {
		bad("CallTimeout must be positive, got %v", cfg.CallTimeout)
	}
	if cfg.MaxRetryAfter < 0 {
		bad("MaxRetryAfter must be positive, got %v", cfg.MaxRetryAfter)
	}
	return errors.Join(errs...)
}
