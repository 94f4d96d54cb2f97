package sync

import "github.com/parchment-sync/parchment-sync/mapping"

// Action is what the engine decided for one person.
type Action string

const (
	ActionCreate Action = "create"
	// ActionAdopt maps a user that already existed in Parchment, reads its
	// live values and sends what differs from the roster.
	ActionAdopt  Action = "adopt"
	ActionUpdate Action = "update"
	// ActionEnable brings back a person the ledger disabled.
	ActionEnable Action = "enable"
	// ActionDisable takes sign-in away from a leaver.
	ActionDisable   Action = "disable"
	ActionUnchanged Action = "unchanged"
	ActionManual    Action = "manual"
	ActionOrphaned  Action = "orphaned"
	ActionInvalid   Action = "invalid"
	// ActionResolve settles a create a dead run left pending.
	ActionResolve Action = "resolve"
)

// decision is the march's verdict on one external_user_id: the roster row
// (when present), the ledger entry (when present) and what to do.
type decision struct {
	action Action
	row    *mapping.Row
	entry  *Entry
	// steps are the calls a synced person needs, in order.
	steps []step
	// fields lists what the steps change, for the report.
	fields []string
	// manual lists fields that differ but cannot be sent.
	manual []string
	// problems are the reasons an ActionInvalid row is not sent.
	problems []mapping.Problem
	// failure is set when the run already knows this person fails (a
	// refreshed user Parchment no longer has).
	failure *Failure
	// drift lists fields a refresh found changed in Parchment by hand.
	drift []string
	note  string
	// leaving marks a person this run would take access from (a leaver or
	// an absence, whatever their grace): the mass-leaver guard counts them.
	leaving bool
	// absentRuns is the person's absence count once this run is recorded.
	absentRuns int
	// provider marks steps that take the provider role away or give it
	// back (see explainProvider).
	provider ProviderChange
}

func (d decision) externalID() string {
	if d.row != nil {
		return d.row.Record.ExternalUserID
	}
	return d.entry.ExternalUserID
}

// change is the report's account of d, before anything is sent.
func (d decision) change() Change {
	c := Change{ExternalUserID: d.externalID(), Line: d.line(), Manual: d.manual, Fields: d.fields, Drift: d.drift, Note: d.note, Provider: d.provider}
	if d.provider != "" {
		c.Warning = providerWarning()
	}
	if d.entry != nil {
		c.ParchmentUserID = d.entry.ParchmentUserID
	}
	return c
}

func (d decision) line() int {
	if d.row != nil {
		return d.row.Line
	}
	return 0
}

// settles reports whether d must run before anything else is sent: it
// resolves a create a dead run left pending.
func (d decision) settles() bool {
	return d.action == ActionResolve || d.entry != nil && d.entry.State == StatePending
}
