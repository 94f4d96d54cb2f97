package sync

import "github.com/parchment-sync/parchment-sync/mapping"

// Action is what the engine decided for one person.
type Action string

const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
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
	// update is set for ActionUpdate.
	update *updatePlan
	// manual lists fields that differ but cannot be sent.
	manual []string
	// problems are the reasons an ActionInvalid row is not sent.
	problems []mapping.Problem
}

func (d decision) externalID() string {
	if d.row != nil {
		return d.row.Record.ExternalUserID
	}
	return d.entry.ExternalUserID
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
