package fleet

import (
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay"
	"github.com/parchment-sync/parchment-sync/internal/redact"
	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// App is what every use of the application needs; one per invocation,
// never global.
type App struct {
	// Getenv reads one environment variable; tests pass their own.
	Getenv func(string) string
	// Redactor knows every secret the invocation read, registered where
	// it was read, and cleans what servers and databases wrote.
	Redactor *redact.Redactor
	// ExitCode is the command line's code for a severity: the metrics and
	// the queue's job summaries report exit codes, which operators'
	// alerts already know.
	ExitCode func(Severity) int
}

// Request is what one invocation asks for: the organisation its settings
// describe, or the organisations of a config file, and how they run.
type Request struct {
	// Job holds the settings given, DefaultJob's for the rest; with a
	// config file, the file's keys replace those not Given.
	Job Job
	// Given says whether a flag, by name, was given on the command line;
	// nil means none was.
	Given      func(flag string) bool
	ConfigFile string
	Orgs       []string
	// Parallel is how many organisations run at once.
	Parallel int
	// PlanIn is a reviewed plan file the run must carry out exactly.
	PlanIn  string
	Metrics Metrics
}

func (r Request) given(flag string) bool { return r.Given != nil && r.Given(flag) }

// Metrics say where a run's metrics go once it has run.
type Metrics struct {
	File        string
	Pushgateway string
}

// DefaultParallel is how many organisations of a config file run at once
// unless told otherwise.
const DefaultParallel = 4

// DefaultJob is a job's settings when nothing says otherwise: the flags'
// defaults, and what a queued job starts from.
func DefaultJob() Job {
	return Job{
		Rate: 10, Burst: 1, Concurrency: 4,
		Limits:    Limits{CallTimeout: parchment.DefaultCallTimeout, MaxRetryAfter: parchment.DefaultMaxRetryAfter},
		Lifecycle: Lifecycle{Leavers: string(psync.LeaversDisable), AbsentRuns: 2, MaxLeavers: 5, MaxLeaversPercent: 20},
		Source:    Source{KeyPay: KeyPay{URL: keypay.DefaultURL, Concurrency: keypay.DefaultConcurrency}},
	}
}

// queueRequest is `apply --config FILE --org NAME…` with nothing else
// given: a job of the queue runs exactly that apply.
func queueRequest(configFile string, names []string) Request {
	return Request{Job: DefaultJob(), ConfigFile: configFile, Orgs: names, Parallel: DefaultParallel}
}

// env reads one environment variable.
type env func(string) string
