package parchmenttest

import (
	"log/slog"
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

	// Token is a static bearer token accepted for every organisation with
	// every scope, besides the tokens the server issues. Defaults to none.
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
	// it gets 429s. Defaults to 0: unlimited.
	Rate float64

	// Burst is how many requests an organisation may make at once.
	// Defaults to one second's worth of Rate, at least 1.
	Burst int

	// Latency delays every answer.
	Latency time.Duration

	// FailRate is the fraction of calls (token exchange excepted) answered
	// 500 before any change is made.
	FailRate float64

	// DropRate is the fraction of successful mutating calls (create,
	// update, disable, enable) whose connection is closed without an
	// answer after the change was applied, as when a response is lost.
	DropRate float64

	// Seed makes user ids, tokens, request ids and injected faults
	// reproducible for the same sequence of requests.
	Seed uint64

	// Logger receives one debug line per request. Defaults to discarding.
	Logger *slog.Logger
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
	if cfg.Burst <= 0 {
		cfg.Burst = max(1, int(cfg.Rate+0.999))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}
