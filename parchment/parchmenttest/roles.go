package parchmenttest

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// rolesBody is the roles request: the user's complete new set of roles.
type rolesBody struct {
	AccessRoles []string `json:"access_roles"`
}

// check wants at least one role, each assignable. The pages name 400 for
// a wrong role; a missing one is answered the same way.
func (b rolesBody) check() (detail string, ok bool) {
	if len(b.AccessRoles) == 0 {
		return "At least one access role is required", false
	}
	for _, r := range b.AccessRoles {
		switch {
		case slices.Contains(heldOnlyRoles(), r):
			return fmt.Sprintf("Access role '%s' cannot be assigned", r), false
		case !slices.Contains(accessRoles(), r):
			return fmt.Sprintf("Invalid access role '%s'; must be one of admin, provider, receptionist, rx_reader", r), false
		}
	}
	return "", true
}

// AnswerRolesWithConflict makes the next roles call for the user answer
// 409 "role update conflict" and change nothing, once it gets past
// validation and finds the user.
func (s *Server) AnswerRolesWithConflict(orgID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roleConflicts[userKey{orgID, userID}] = true
}

// updateRoles serves PUT .../users/{user}/roles: the body's roles replace
// the user's completely (duplicates collapsed, order kept). Only this call
// changes roles; the general update ignores them.
func (s *Server) updateRoles(r *http.Request, orgID string) reply {
	var b rolesBody
	if _, err := readJSON(r, &b); err != nil {
		return badRequest("Invalid request format")
	}
	if detail, ok := b.check(); !ok {
		return badRequest(detail)
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
	u.AccessRoles = distinct(b.AccessRoles)
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
