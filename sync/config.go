package sync

import (
	"errors"
	"log/slog"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
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

	// Leavers says what happens to people who left: LeaversDisable
	// (default) disables them, LeaversReport only reports them orphaned.
	Leavers Leavers
	// AbsentRuns is how many consecutive applies a synced person may be
	// missing from the source before being disabled. Default 2.
	AbsentRuns int
	// MaxLeavers and MaxLeaversPercent are the mass-leaver guard: when more
	// people would leave in one run than both allow (a count, and a
	// percentage of the organisation's active synced people), nothing is
	// sent and the run is held. Defaults 5 and 20; NoLeavers sets either to
	// zero.
	MaxLeavers        int
	MaxLeaversPercent float64
	// AllowMassLeavers lets one run through the guard after review.
	// Default false.
	AllowMassLeavers bool
	// Refresh reads every synced user from Parchment before diffing, so
	// edits made by hand in the portal are found and overwritten; it needs
	// API, for Plan too. Default false.
	Refresh bool
	// Now is the clock end dates are compared with. Default time.Now.
	Now func() time.Time
	// Location is the organisation's time zone: the day Now falls on there
	// is "today". An end date is the person's last working day: they are
	// disabled by the first run on a later day. Default time.Local (the TZ
	// variable, else the machine's zone).
	Location *time.Location
	// ClinicPhone is the practice's number, which Parchment shows for its
	// prescribers: it fills the phone of every row holding the provider
	// role that has none. Formatting characters are stripped; it must be
	// an Australian number Parchment accepts. Default none.
	ClinicPhone string
	// Progress hears how far the run is. Default: nobody.
	Progress Progress
	// Expect makes Apply carry out a reviewed plan exactly: it refuses,
	// sending nothing, when the source, the ledger or the decisions
	// differ from the plan's (ErrStalePlan). Default nil: no plan.
	Expect *Expectation
	// Redact cleans the text of the error a run ends with before the
	// ledger keeps it: it may quote a database. Default: kept as it is.
	Redact func(string) string
}

// Progress is told how many decisions a run has, then once per decision
// carried out. It must be safe for concurrent use.
type Progress interface {
	Start(total int)
	Done(action Action)
}

type noProgress struct{}

func (noProgress) Start(int)   {}
func (noProgress) Done(Action) {}

// Leavers is the policy for people who left.
type Leavers string

const (
	LeaversDisable Leavers = "disable"
	LeaversReport  Leavers = "report"
)

// NoLeavers, as MaxLeavers or MaxLeaversPercent, tolerates no leaver at
// all on that count (zero means the default).
const NoLeavers = -1

const (
	defaultConcurrency       = 4
	defaultStopGrace         = 30 * time.Second
	defaultAbsentRuns        = 2
	defaultMaxLeavers        = 5
	defaultMaxLeaversPercent = 20
)

func (c Config) validate(mode Mode) (Config, error) {
	var errs []error
	if c.OrganizationID == "" {
		errs = append(errs, errors.New("organization id is required"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("a ledger store is required"))
	}
	if (mode == ModeApply || c.Refresh) && c.API == nil {
		errs = append(errs, errors.New("a Parchment API client is required to apply or refresh"))
	}
	switch c.Leavers {
	case "":
		c.Leavers = LeaversDisable
	case LeaversDisable, LeaversReport:
	default:
		errs = append(errs, errors.New("leavers must be disable or report"))
	}
	if c.AbsentRuns < 0 {
		errs = append(errs, errors.New("absent runs must be at least 1"))
	}
	if c.AbsentRuns == 0 {
		c.AbsentRuns = defaultAbsentRuns
	}
	if c.MaxLeavers < NoLeavers || c.MaxLeaversPercent < NoLeavers {
		errs = append(errs, errors.New("the mass-leaver limits must not be negative"))
	}
	c.MaxLeavers = leaverLimit(c.MaxLeavers, defaultMaxLeavers)
	c.MaxLeaversPercent = leaverLimit(c.MaxLeaversPercent, defaultMaxLeaversPercent)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.ClinicPhone != "" {
		phone, ok := mapping.CleanPhone(c.ClinicPhone)
		if !ok {
			errs = append(errs, errors.New("the clinic phone is not an Australian number Parchment accepts (04xxxxxxxx, 02/03/07/08 landline, or 61/+61 and 9 digits)"))
		}
		c.ClinicPhone = phone
	}
	if c.Progress == nil {
		c.Progress = noProgress{}
	}
	if c.Redact == nil {
		c.Redact = func(s string) string { return s }
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

func leaverLimit[T int | float64](v, def T) T {
	switch v {
	case 0:
		return def
	case NoLeavers:
		return 0
	}
	return v
}
