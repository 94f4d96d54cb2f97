// Package fleet is parchment-sync's application: the config file, what a
// job is, running jobs, plan files, roster sources, metrics and the job
// queue's runner. It declares no flags and decides no exit code: a run ends in
// a Severity, which the command line turns into an exit code and the
// queue into a verdict.
package fleet

import (
	"errors"
	"fmt"
)

// Severity is how a run ended, ordered from least to most severe, so the
// worst of several runs is the greatest.
type Severity int

const (
	OK         Severity = iota // done; manual and orphaned rows are not failures
	Locked                     // another run holds the organisation
	RowsFailed                 // finished, with some rows invalid or failed
	Held                       // held by the mass-leaver guard; nothing sent
	Usage                      // usage, configuration or unreadable source; nothing sent
	Aborted                    // credentials rejected, ledger unreachable, interrupted
)

var severityNames = [...]string{"ok", "locked", "rows failed", "held", "usage", "aborted"}

func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity %d", int(s))
}

// Finished reports whether the run went through (every row was tried),
// which is what advances the last-success metric.
func (s Severity) Finished() bool { return s == OK || s == RowsFailed }

// Error carries the severity a failure maps to. Err may be nil when the
// report already said everything.
type Error struct {
	Severity Severity
	Err      error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Severity.String()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Fail gives err its severity.
func Fail(s Severity, err error) error { return &Error{Severity: s, Err: err} }

// Usagef is a usage error: the operator's to fix, with nothing sent.
func Usagef(format string, args ...any) error {
	return Fail(Usage, fmt.Errorf(format, args...))
}

// SeverityOf is the severity err carries; OK for nil or an error that
// carries none.
func SeverityOf(err error) Severity {
	var e *Error
	if errors.As(err, &e) {
		return e.Severity
	}
	return OK
}

// Cause is the error an *Error wraps (nil when the report said it all),
// or err itself.
func Cause(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}
