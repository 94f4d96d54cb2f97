package parchmenttest

import (
	"net/http"
	"time"
)

// setDisabled serves PUT .../disable and .../enable, both idempotent.
// Disabling ends sign-in and downgrades the user's roles to member;
// enabling restores sign-in only, so the roles stay member until a roles
// call re-sends them. An answer already given ("User is already …")
// changes nothing.
func (s *Server) setDisabled(disabled bool) func(*http.Request, string) reply {
	word := "enabled"
	if disabled {
		word = "disabled"
	}
	return func(r *http.Request, orgID string) reply {
		s.mu.Lock()
		defer s.mu.Unlock()
		u, found := s.orgLocked(orgID).users[r.PathValue("user")]
		if !found {
			return notFound("User not found")
		}
		if u.Disabled == disabled {
			return ok(http.StatusOK, "User is already "+word, "", map[string]string{"user_id": u.UserID})
		}
		u.Disabled = disabled
		if disabled {
			u.AccessRoles = []string{memberRole}
		}
		u.UpdatedAt = time.Now().UTC()
		rep := ok(http.StatusOK, "User "+word+" successfully", "", map[string]string{"user_id": u.UserID})
		rep.applied = true
		return rep
	}
}
