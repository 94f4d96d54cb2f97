package sync

import (
	"errors"
	"log/slog"
	"time"
)

// Mode selects whether a run only reports or also sends.
type Mode string

const (
	// ModePlan computes what would change and sends nothing.
	ModePlan Mode = "plan"
	// ModeApply sends the changes.
	ModeApply Mode = "apply"
)

// Config configures one run of the engine.
type Config struct {
	// OrganizationID is the Parchment organisation being synced. Required.
	OrganizationID string
	// Store is the ledger. Required.
	Store Store
	// API talks to Parchment. Required for ModeApply; unused by ModePlan.
	API API
	// Concurrency is how many calls may be in flight at once. Default 4.
	Concurrency int
	// Source names the roster in the run record (a file name, or
	// "database"). Default "roster".
	Source string
	// Logger receives progress. Default: discard.
	Logger *slog.Logger
	// StopGrace is how long calls already in flight may go on (retries
	// included) after a stop signal before they are cut off. A create cut
	// off stays pending and the next run resolves it. Default 30s.
	StopGrace time.Duration
}

const (
	defaultConcurrency = 4
	defaultStopGrace   = 30 * time.Second
)

func (c Config) validate(mode Mode) (Config, error) {
	var errs []error
	if c.OrganizationID == "" {
		errs = append(errs, errors.New("organization id is required"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("a ledger store is required"))
	}
	if mode == ModeApply && c.API == nil {
		errs = append(errs, errors.New("a Parchment API client is required to apply"))
	}
	if c.Concurrency < 0 {
		errs = append(errs, errors.New("concurrency must be at least 1"))
	}
	if c.Concurrency == 0 {
		c.Concurrency = defaultConcurrency
	}
	if c.StopGrace < 0 {
		errs = append(errs, errors.New("stop grace must not be negative"))
	}
	if c.StopGrace == 0 {
		c.StopGrace = defaultStopGrace
	}
	if c.Source == "" {
		c.Source = "roster"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, errors.Join(errs...)
}
