package sync

import (
	"maps"
	"strconv"
	"strings"
	gosync "sync"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Failure is one reason a row was not synced: a validation problem (line and
// field) or a call Parchment refused (HTTP status and requestId).
type Failure struct {
	ExternalUserID string `json:"external_user_id"`
	Line           int    `json:"line"`
	Field          string `json:"field"`
	Message        string `json:"message"`
	HTTPStatus     int    `json:"http_status"`
	RequestID      string `json:"request_id"`
}

// Change describes what happened (apply) or would happen (plan) to one
// person, for the text report and for review.
type Change struct {
	ExternalUserID  string   `json:"external_user_id"`
	Line            int      `json:"line,omitempty"`
	Action          Action   `json:"action"`
	Fields          []string `json:"fields,omitempty"`
	Manual          []string `json:"manual,omitempty"`
	ParchmentUserID string   `json:"parchment_user_id,omitempty"`
	RequestID       string   `json:"request_id,omitempty"`
	// Drift lists fields --refresh found changed in Parchment by hand;
	// the roster's values are sent over them.
	Drift []string `json:"drift,omitempty"`
	Note  string   `json:"note,omitempty"`
	// Provider marks a change that takes the provider role away from a
	// person who holds it (a disable included) or gives it back to one
	// who held it; Warning then quotes Parchment's warning about it.
	Provider ProviderChange `json:"provider_role,omitempty"`
	Warning  string         `json:"warning,omitempty"`
}

// Report is the outcome of one run.
type Report struct {
	Mode           Mode      `json:"mode"`
	OrganizationID string    `json:"organization_id"`
	RunID          int64     `json:"run_id,omitempty"` // none for a plan, which records no run
	Outcome        string    `json:"outcome"`
	Counts         Counts    `json:"counts"`
	Failures       []Failure `json:"failures"`
	Changes        []Change  `json:"changes"`
	// Fingerprints identify the source and ledger the run diffed; a plan
	// file keeps them.
	Fingerprints Fingerprints `json:"fingerprints"`
	// Hold is set when the mass-leaver guard held the run.
	Hold *Hold `json:"hold,omitempty"`
	// Requests counts the HTTP attempts the run made by status ("200",
	// "429", …; "none" when no answer arrived).
	Requests map[string]int `json:"requests"`
	// Warnings are said before anything is sent, such as kinds of change
	// the organisation's scopes do not allow.
	Warnings []string `json:"warnings"`
	// Error says why a run was aborted, held or never started; empty
	// otherwise.
	Error string `json:"error,omitempty"`

	// changes and failures hold every change and failure; Changes and
	// Failures above hold them all too unless there were more than
	// KeptInReport, and then only the first KeptInReport.
	changes  *spool[Change]
	failures *spool[Failure]
}

// KeptInReport is how many changes, and how many failures, a Report holds
// in Changes and Failures (and the ledger keeps in run history). EachChange
// and EachFailure walk all of them, however many.
const KeptInReport = 1000

// EachChange calls fn with every change in report order.
func (r *Report) EachChange(fn func(Change) error) error {
	if r.changes == nil {
		return eachOf(r.Changes, fn)
	}
	return r.changes.each(fn)
}

// EachFailure calls fn with every failure in report order.
func (r *Report) EachFailure(fn func(Failure) error) error {
	if r.failures == nil {
		return eachOf(r.Failures, fn)
	}
	return r.failures.each(fn)
}

// Complete reports whether Changes and Failures hold every change and
// failure.
func (r *Report) Complete() bool {
	return (r.changes == nil || !r.changes.spilled()) && (r.failures == nil || !r.failures.spilled())
}

// Close lets go of the temporary file a large report keeps its changes in.
func (r *Report) Close() {
	if r.changes != nil {
		r.changes.close()
	}
	if r.failures != nil {
		r.failures.close()
	}
}

func eachOf[T any](items []T, fn func(T) error) error {
	for _, it := range items {
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

// HasFailures reports whether any row was invalid or failed.
func (r *Report) HasFailures() bool { return r.Counts.Invalid > 0 || r.Counts.Failed > 0 }

// tally collects a run's outcomes from concurrent workers.
type tally struct {
	progress Progress
	// mu guards the tally itself: every field below.
	mu       gosync.Mutex
	counts   Counts
	failures *spool[Failure]
	changes  *spool[Change]
	requests map[string]int
	// err is the first failure to keep the report: the run aborts.
	err error
}

func newTally(p Progress) *tally {
	return &tally{progress: p, requests: map[string]int{}, changes: newSpool(changeOrder), failures: newSpool(failureOrder)}
}

// attempted counts HTTP attempts by status.
func (t *tally) attempted(statuses ...int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range statuses {
		key := "none"
		if s != 0 {
			key = strconv.Itoa(s)
		}
		t.requests[key]++
	}
}

// unrecorded counts a change Parchment accepted that the ledger could not
// record; the row is also counted failed.
func (t *tally) unrecorded() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts.Unrecorded++
}

func (t *tally) add(action Action, c Change, fails ...Failure) {
	t.progress.Done(action)
	t.mu.Lock()
	defer t.mu.Unlock()
	switch action {
	case ActionCreate:
		t.counts.Create++
	case ActionAdopt:
		t.counts.Adopt++
	case ActionUpdate:
		t.counts.Update++
	case ActionEnable:
		t.counts.Enable++
	case ActionDisable:
		t.counts.Disable++
	case ActionUnchanged:
		t.counts.Unchanged++
	case ActionManual:
		t.counts.Manual++
	case ActionOrphaned:
		t.counts.Orphaned++
	case ActionInvalid:
		t.counts.Invalid++
	case actionFailed:
		t.counts.Failed++
	}
	c.Action = action
	if action != ActionUnchanged || c.Note != "" {
		t.keep(t.changes.add(c))
	}
	if len(fails) > 0 {
		t.keep(t.failures.add(fails...))
	}
}

func (t *tally) keep(err error) {
	if t.err == nil {
		t.err = err
	}
}

// unchanged counts n people recognised unchanged without a decision.
func (t *tally) unchanged(n int) {
	for range n {
		t.progress.Done(ActionUnchanged)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts.Unchanged += n
}

// actionFailed is the tally's name for a row whose call Parchment refused.
const actionFailed Action = "failed"

// report fills r with the tally; with more changes or failures than
// KeptInReport, r keeps the first and walks the rest from the spool.
func (t *tally) report(r *Report) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	r.Counts = t.counts
	r.Requests = maps.Clone(t.requests)
	r.changes, r.failures = t.changes, t.failures
	var err error
	if r.Changes, err = t.changes.first(KeptInReport); err != nil {
		t.keep(err)
	}
	if r.Failures, err = t.failures.first(KeptInReport); err != nil {
		t.keep(err)
	}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	return t.err
}

// Workers finish in any order; reports must not.
func failureOrder(a, b Failure) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return strings.Compare(a.ExternalUserID, b.ExternalUserID)
}

func changeOrder(a, b Change) int {
	if (a.Line == 0) != (b.Line == 0) {
		if a.Line == 0 {
			return 1
		}
		return -1
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return strings.Compare(a.ExternalUserID, b.ExternalUserID)
}

func problemFailures(ps []mapping.Problem, line int, id string) []Failure {
	out := make([]Failure, 0, len(ps))
	for _, p := range ps {
		l := p.Line
		if l == 0 {
			l = line
		}
		out = append(out, Failure{ExternalUserID: id, Line: l, Field: p.Field, Message: p.Message})
	}
	return out
}
