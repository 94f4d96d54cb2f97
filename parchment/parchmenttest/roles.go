package parchmenttest

import (
	"net/http"
	"slices"
	"time"
)

// rolesBody is the roles request: the user's complete new set of roles.
type rolesBody struct {
	AccessRoles []string `json:"access_roles"`
}

// The roles page's two 400 answers, word for word.
const (
	invalidRolesDetail  = "access_roles must be a non-empty array of valid roles"
	emptyFilteredDetail = "access_roles must contain at least one valid role after filtering"
)

// invalidRequest is the roles page's 400 shape.
func invalidRequest(detail string) reply {
	return fail(http.StatusBadRequest, typeInvalidRequest, "Invalid request", detail)
}

// check wants at least one role, each one openapi's enum lists: owner,
// support and member "cannot be assigned via API", and anything else is
// unknown. Both are the page's "Invalid roles" 400.
func (b rolesBody) check() bool {
	if len(b.AccessRoles) == 0 {
		return false
	}
	for _, r := range b.AccessRoles {
		if !slices.Contains(AssignableRoles(), r) {
			return false
		}
	}
	return true
}

// AnswerRolesWithConflict makes the next roles call for the user answer
// 409 "role update conflict" and change nothing, once it gets past
// validation and finds the user.
func (s *Server) AnswerRolesWithConflict(orgID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roleConflicts[userKey{orgID, userID}] = true
}

// updateRoles serves PUT .../users/{user}/roles: the roles kept of the
// body's (see keptRoles) replace the user's completely, and the answer
// says what the user now holds. Only this call changes roles; the general
// update ignores them.
func (s *Server) updateRoles(r *http.Request, orgID string) reply {
	var b rolesBody
	if _, err := readJSON(r, &b); err != nil {
		return badRequest("Invalid request format")
	}
	if !b.check() {
		return invalidRequest(invalidRolesDetail)
	}
	kept := keptRoles(b.AccessRoles, s.cfg.DropRoles)
	if len(kept) == 0 {
		return invalidRequest(emptyFilteredDetail)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := userKey{orgID, r.PathValue("user")}
	u, found := s.orgLocked(orgID).users[key.user]
	if !found {
		return notFound("User not found")
	}
	if s.roleConflicts[key] {
		delete(s.roleConflicts, key)
		return conflict("", "role update conflict")
	}
	u.AccessRoles = kept
	u.UpdatedAt = time.Now().UTC()
	s.counters.RoleUpdates++
	rep := ok(http.StatusOK, "User roles updated successfully", "", map[string]any{
		"user_id": u.UserID, "access_roles": rolesOf(u),
	})
	rep.applied = true
	return rep
}

// distinct keeps the first of each value, in order.
func distinct(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// rolesOf answers the user's roles, never null.
func rolesOf(u *User) []string {
	return append([]string{}, u.AccessRoles...)
}
