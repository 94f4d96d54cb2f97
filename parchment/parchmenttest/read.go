package parchmenttest

import (
	"net/http"
	"slices"
	"strconv"
)

// defaultPageSize answers a list without a limit.
const defaultPageSize = 20

// validate serves GET .../validate: every organisation is connected.
func (s *Server) validate(_ *http.Request, orgID string) reply {
	s.org(orgID)
	return ok(http.StatusOK, "Organization validated", "", map[string]any{"validated": true, "organization_id": orgID})
}

// getUser serves GET .../users/{user}.
func (s *Server) getUser(r *http.Request, orgID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.orgLocked(orgID).users[r.PathValue("user")]
	if !found {
		return notFound("User not found")
	}
	data := map[string]any{"details": details(u), "provider_details": nil}
	if u.IsProvider() {
		data["provider_details"] = map[string]string{
			"given_name": u.GivenName, "family_name": u.FamilyName, "date_of_birth": u.DateOfBirth,
			"sex": u.Sex, "hpii_number": u.HPIINumber, "phone": u.Phone, "title": u.Title,
			"prescriber_type": u.PrescriberType, "prescriber_number": u.PrescriberNumber,
			"qualifications": u.Qualifications, "provider_number": u.ProviderNumber,
			"ahpra_number": u.AHPRANumber, "hospital_provider_number": u.HospitalProviderNumber,
			"erx_entity_id": u.ERXEntityID,
		}
	}
	return ok(http.StatusOK, "User retrieved successfully", "", data)
}

func details(u *User) map[string]any {
	status := "active"
	if u.Disabled {
		status = "disabled"
	}
	return map[string]any{
		"user_id": u.UserID, "external_user_id": u.ExternalUserID, "email": u.Email,
		"full_name": u.FullName, "given_name": u.GivenName, "family_name": u.FamilyName,
		"phone": u.Phone, "access_roles": slices.Clone(u.AccessRoles), "status": status,
	}
}

// listUsers serves GET .../users?limit=1..100&lastKey=K in creation order;
// lastKey is the last user id of the previous page and is left out of the
// last page.
func (s *Server) listUsers(r *http.Request, orgID string) reply {
	q := r.URL.Query()
	limit := defaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			var c checks
			c.add("limit", "Must be an integer from 1 to 100")
			return invalid(c.problems)
		}
		limit = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	start := 0
	if key := q.Get("lastKey"); key != "" {
		i := slices.Index(o.order, key)
		if i < 0 {
			return badRequest("Invalid lastKey")
		}
		start = i + 1
	}
	end := min(start+limit, len(o.order))
	users := make([]map[string]any, 0, end-start)
	for _, id := range o.order[start:end] {
		users = append(users, details(o.users[id]))
	}
	pagination := map[string]any{"total": len(o.order), "limit": limit}
	if end < len(o.order) {
		pagination["lastKey"] = o.order[end-1]
	}
	return ok(http.StatusOK, "Users retrieved successfully", "", map[string]any{"users": users, "pagination": pagination})
}
