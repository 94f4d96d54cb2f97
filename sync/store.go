package sync

import (
	"context"
	"errors"
	"time"
)

// ErrLocked is returned by Store.Lock when another run holds the organisation.
var ErrLocked = errors.New("another run holds the organisation")

// ErrParchmentUserTaken is returned by Store.Commit when the Parchment user is
// already mapped to a different external_user_id in the same organisation.
var ErrParchmentUserTaken = errors.New("parchment user is already mapped to another external_user_id")

// ErrSyncedEntry is returned by Store.Commit for an entry that would turn a
// synced mapping back into a pending create, or point it at another
// Parchment user: only a second writer could ask for that.
var ErrSyncedEntry = errors.New("refusing to overwrite a synced mapping")

// EntryState says whether a ledger entry is a committed mapping or a create
// that was announced but whose outcome is not yet known.
type EntryState string

const (
	// StatePending marks a create whose intent was committed before it was
	// sent; a later run must resolve it before doing anything else.
	StatePending EntryState = "pending"
	// StateSynced marks a mapping to a known Parchment user.
	StateSynced EntryState = "synced"
)

// Entry is what the ledger knows of one person in one organisation.
type Entry struct {
	ExternalUserID string
	// ParchmentUserID is empty while the entry is pending.
	ParchmentUserID string
	State           EntryState
	// Email is the address the create carried, kept so a lost create can be
	// found again by listing the organisation's users.
	Email string
	// Fields holds, for a synced entry, the last value Parchment accepted for
	// every field (canonical field names, see mapping.Record.Fields); for a
	// pending entry, the values the create carries.
	Fields map[string]string
	// DisabledRunID is the run that disabled the person in Parchment; 0
	// while they are active. Parchment's reads do not say who is disabled,
	// so only the ledger knows.
	DisabledRunID int64
	// AbsentRuns counts the consecutive applies whose source lacked the
	// person; a row for them resets it.
	AbsentRuns int
	UpdatedAt  time.Time
}

// EntrySummary is an entry without its fields: enough to recognise an
// unchanged roster row (by Digest) and to find absences, at a few dozen
// bytes a person. It has no Parchment user id nor email: a synced entry's
// user id never changes, and the email is among the fields.
type EntrySummary struct {
	ExternalUserID string
	State          EntryState
	// Digest is FieldsDigest of the entry's fields.
	Digest        string
	DisabledRunID int64
	AbsentRuns    int
}

// Disabled reports whether the ledger disabled the person.
func (e Entry) Disabled() bool { return e.DisabledRunID != 0 }

// Attempt is one HTTP exchange with Parchment, successful or not.
type Attempt struct {
	RunID          int64
	Operation      string // create, update, roles, disable, enable, get, list
	ExternalUserID string
	HTTPStatus     int // 0 when no response arrived
	RequestID      string
	Error          string // empty on success; never holds a secret
	Duration       time.Duration
	At             time.Time
}

// Counts are per-row outcomes of a run.
type Counts struct {
	Create    int `json:"create"`
	Adopt     int `json:"adopt"`
	Update    int `json:"update"`
	Enable    int `json:"enable"`
	Disable   int `json:"disable"`
	Unchanged int `json:"unchanged"`
	Manual    int `json:"manual"`
	Orphaned  int `json:"orphaned"`
	Invalid   int `json:"invalid"`
	Failed    int `json:"failed"`
	// Unrecorded counts, among the failed, people Parchment accepted a
	// change for that the ledger could not record (a full disk): the next
	// run finds them by look-up instead of sending again.
	Unrecorded int `json:"unrecorded,omitempty"`
}

// Run is the ledger's record of one plan or apply.
type Run struct {
	ID             int64
	OrganizationID string
	Mode           string // plan or apply
	Source         string // file name or "database"; never a connection string
	StartedAt      time.Time
	FinishedAt     time.Time
	Outcome        string // running, done, partial, held, aborted, interrupted, abandoned
	Counts         Counts
	// Changes and Failures are the run's report, kept for run history;
	// FinishRun stores them. They carry ids, fields' names and masked
	// messages, never a field's value.
	Changes  []Change
	Failures []Failure
	// Error says why the run was aborted or held; empty otherwise.
	Error string
}

// Commit is one unit the ledger writes atomically: an operation counts as
// done only once its Commit is stored.
type Commit struct {
	// Entry is inserted or replaced when set.
	Entry *Entry
	// Forget drops the pending entry with this external_user_id (a lost
	// create that proved never to have reached Parchment).
	Forget   string
	Attempts []Attempt
}

// Store is the ledger the engine needs. Implementations must be safe for
// concurrent use.
type Store interface {
	// Lock takes the organisation's run lock without waiting; it returns
	// ErrLocked when another run holds it. unlock releases it.
	Lock(ctx context.Context, organizationID string) (unlock func(context.Context) error, err error)
	// StartRun records a new run and returns its id. An apply starts with
	// the organisation's lock held, so the store marks the organisation's
	// earlier applies still running as OutcomeAbandoned: they died without
	// recording their end.
	StartRun(ctx context.Context, run Run) (int64, error)
	// FinishRun stores the run's end, outcome and counts.
	FinishRun(ctx context.Context, run Run) error
	// Entries returns every entry of the organisation keyed by external_user_id.
	Entries(ctx context.Context, organizationID string) (map[string]Entry, error)
	// ScanEntries calls fn with every entry of the organisation, without
	// fields, in byte order of external_user_id; an error from fn stops it.
	ScanEntries(ctx context.Context, organizationID string, fn func(EntrySummary) error) error
	// Entry returns one entry; ok is false when the ledger has none.
	Entry(ctx context.Context, organizationID, externalUserID string) (e Entry, ok bool, err error)
	// Commit stores c in one transaction.
	Commit(ctx context.Context, organizationID string, c Commit) error
}
