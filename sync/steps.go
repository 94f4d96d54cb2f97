package sync

import (
	"slices"
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// stepKind is one kind of call. Each kind needs a scope the organisation
// may not grant, so a refusal stops that kind only. The first four are
// the steps that change an existing user.
type stepKind string

const (
	stepEnable  stepKind = "enable"
	stepRoles   stepKind = "roles"
	stepUpdate  stepKind = "update"
	stepDisable stepKind = "disable"
	stepCreate  stepKind = "create"
	// stepRead reads one user: adoption, refresh, a recovery's email.
	stepRead stepKind = "read"
	// stepList lists the organisation's users: recovery look-ups.
	stepList stepKind = "list"
)

func allKinds() []stepKind {
	return []stepKind{stepCreate, stepUpdate, stepRoles, stepEnable, stepDisable, stepRead, stepList}
}

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
// s in run runID. held is what a roles answer says the user now holds.
func (s step) applied(e Entry, runID int64, held []string) Entry {
	before := e
	e.Fields = mergeFields(e.Fields, nil)
	switch s.kind {
	case stepEnable:
		// Enable leaves the user a member: the roles step that follows
		// restores the roster's.
		e.DisabledRunID = 0
	case stepRoles:
		e.Fields[mapping.FieldAccessRoles] = strings.Join(s.roles, ",")
		if held != nil && (len(droppedRoles(s.roles, held)) > 0 || len(droppedRoles(held, s.roles)) > 0) {
			// Parchment keeps what it keeps: record that, never what was
			// sent, in the order the roster's roles are compared in.
			e.Fields[mapping.FieldAccessRoles] = strings.Join(heldRoles(held), ",")
		}
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

// scopeOf is the scope Parchment checks for a kind of call, for messages.
// The disable call's notes say update:user and its 403 row delete:user.
func scopeOf(k stepKind) string {
	switch k {
	case stepDisable:
		return parchment.ScopeUpdateUser + " or " + parchment.ScopeDeleteUser
	case stepCreate:
		return parchment.ScopeCreateUser
	case stepRead:
		return parchment.ScopeReadUser
	case stepList:
		return parchment.ScopeReadUsers
	}
	return parchment.ScopeUpdateUser
}

// allowedBy reports whether granted scopes permit a kind of call.
func allowedBy(k stepKind, granted map[string]bool) bool {
	if k == stepDisable {
		return granted[parchment.ScopeUpdateUser] || granted[parchment.ScopeDeleteUser]
	}
	return granted[scopeOf(k)]
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

// droppedRoles lists the roles of sent that held lacks.
func droppedRoles(sent, held []string) []string {
	var out []string
	for _, r := range sent {
		if !slices.Contains(held, r) {
			out = append(out, r)
		}
	}
	return out
}

// heldRoles is a roles answer as the ledger records roles: sorted, once
// each.
func heldRoles(held []string) []string {
	out := slices.Clone(held)
	slices.Sort(out)
	return slices.Compact(out)
}
