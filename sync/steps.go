package sync

import (
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// stepKind is one kind of call that changes an existing user. Each kind
// needs a scope the organisation may not grant, so a refusal stops that
// kind only.
type stepKind string

const (
	stepEnable  stepKind = "enable"
	stepRoles   stepKind = "roles"
	stepUpdate  stepKind = "update"
	stepDisable stepKind = "disable"
)

// step is one call for a synced person. A decision compiles into a short
// list of them (enable → roles → update, or disable); one executor sends
// them in order and commits the entry after each.
type step struct {
	kind stepKind
	// roles is the full list a roles step sends.
	roles []string
	// update is the partial update an update step sends.
	update *updatePlan
}

// applied returns e as the ledger must record it once Parchment accepted
// s in run runID.
func (s step) applied(e Entry, runID int64) Entry {
	before := e
	e.Fields = mergeFields(e.Fields, nil)
	switch s.kind {
	case stepEnable:
		// Enable leaves the user a member: the roles step that follows
		// restores the roster's.
		e.DisabledRunID = 0
	case stepRoles:
		e.Fields[mapping.FieldAccessRoles] = strings.Join(s.roles, ",")
	case stepUpdate:
		e.Fields = mergeFields(e.Fields, s.update.synced)
	case stepDisable:
		e.DisabledRunID = runID
		// Disabling downgrades every role to member.
		e.Fields[mapping.FieldAccessRoles] = parchment.RoleMember
	}
	markProviderRemoved(before, &e, runID)
	return e
}

// scopeOf is the scope Parchment checks for a kind of step, for messages.
// The disable call's notes say update:user and its 403 row delete:user.
func scopeOf(k stepKind) string {
	if k == stepDisable {
		return parchment.ScopeUpdateUser + " or " + parchment.ScopeDeleteUser
	}
	return parchment.ScopeUpdateUser
}

// allowedBy reports whether granted scopes permit a kind of step.
func allowedBy(k stepKind, granted map[string]bool) bool {
	if k == stepDisable {
		return granted[parchment.ScopeUpdateUser] || granted[parchment.ScopeDeleteUser]
	}
	return granted[parchment.ScopeUpdateUser]
}

func mergeFields(old, changed map[string]string) map[string]string {
	out := make(map[string]string, len(old)+len(changed))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range changed {
		out[k] = v
	}
	return out
}
