package parchmenttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// defaultPageSize answers a list without a limit.
const defaultPageSize = 20

// validate serves GET .../validate: every organisation is connected.
func (s *Server) validate(_ *http.Request, orgID string) reply {
	s.org(orgID)
	return ok(http.StatusOK, "Organization validated", "", map[string]any{"validated": true, "organization_id": orgID})
}

// getUser serves GET .../users/{user} in Config.GetShape. Neither shape
// says whether the user is disabled: the pages show no such field.
func (s *Server) getUser(r *http.Request, orgID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.orgLocked(orgID).users[r.PathValue("user")]
	if !found {
		return notFound("User not found")
	}
	if s.cfg.GetShape == GetOlder {
		return ok(http.StatusOK, "User retrieved successfully", "", map[string]any{
			"user_id": u.UserID, "external_user_id": orNull(u.ExternalUserID), "email": u.Email,
			"full_name": s.displayName(u), "access_roles": rolesOf(u), "title": orNull(u.Title),
		})
	}
	// details is always present since 2026-05-04; date of birth and sex
	// belong to the provider record, so they are null without one.
	data := map[string]any{
		"user_id": u.UserID, "email": u.Email, "external_user_id": orNull(u.ExternalUserID),
		"full_name": s.displayName(u), "access_roles": rolesOf(u),
		"details": map[string]any{
			"given_name": u.GivenName, "family_name": u.FamilyName, "title": orNull(u.Title),
			"date_of_birth": isoDate(u.DateOfBirth), "sex": s.readSex(u.Sex),
		},
	}
	switch {
	case u.IsProvider() && u.ProviderMissing:
		// "If provider details cannot be retrieved, provider_details will
		// be null".
		data["provider_details"] = nil
	case u.IsProvider():
		data["provider_details"] = s.providerDetails(u)
	case s.cfg.NullProviderDetails:
		data["provider_details"] = nil
	}
	return ok(http.StatusOK, "User details retrieved successfully", "", data)
}

// displayName is full_name as reads answer it: the stored name (given and
// family names unless an update sent another), led by the title when one
// is held and titled names are on, as the get page's "Dr Darlene Cameron".
func (s *Server) displayName(u *User) string {
	name := u.FullName
	if s.cfg.UntitledNames || u.Title == "" || name == "" || strings.HasPrefix(name, u.Title+" ") {
		return name
	}
	return u.Title + " " + name
}

// readSex answers a stored sex: N, "not stated" as sent, reads as O
// unless Config.ReadSexN, since the get page lists M, F, I, O.
func (s *Server) readSex(sex string) any {
	if sex == "N" && !s.cfg.ReadSexN {
		return "O"
	}
	return orNull(sex)
}

func (s *Server) providerDetails(u *User) map[string]any {
	p := map[string]any{
		"given_name": u.GivenName, "family_name": u.FamilyName, "date_of_birth": isoDate(u.DateOfBirth),
		"sex": s.readSex(u.Sex), "hpii_number": orNull(u.HPIINumber), "phone": orNull(u.Phone),
		"title": orNull(u.Title), "prescriber_type": orNull(u.PrescriberType),
		"prescriber_number": orNull(u.PrescriberNumber), "qualifications": orNull(u.Qualifications),
		"provider_number": orNull(u.ProviderNumber), "ahpra_number": orNull(u.AHPRANumber),
		"hospital_provider_number": orNull(u.HospitalProviderNumber), "erx_entity_id": orNull(u.ERXEntityID),
	}
	if u.AustralianAddress != nil {
		p["australian_address"] = *u.AustralianAddress
	}
	return p
}

// isoDate answers a stored YYYY-MM-DD date of birth as the newer get page
// does, a full timestamp at UTC midnight; anything else as stored.
func isoDate(v string) any {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return orNull(v)
	}
	return d.Format("2006-01-02T15:04:05.000Z")
}

// listUsers serves GET .../users in Config.ListShape.
func (s *Server) listUsers(r *http.Request, orgID string) reply {
	if s.cfg.ListShape == ListBare {
		return s.listBare(orgID)
	}
	return s.listPaged(r, orgID)
}

// listBare answers every user as {user_id, email} in a bare data array:
// that version has no pagination, so limit and lastKey are not read.
func (s *Server) listBare(orgID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	users := make([]map[string]any, 0, len(o.order))
	for _, id := range o.order {
		users = append(users, map[string]any{"user_id": id, "email": o.users[id].Email})
	}
	return ok(http.StatusOK, fmt.Sprintf("Retrieved %d users successfully", len(users)), "", users)
}

// listPaged serves ?limit=1..100&lastKey=K in creation order, in the
// paged shape or the response standard's (ListTopLevel). lastKey is
// opaque, like the examples', and left out (or null) on the last page.
func (s *Server) listPaged(r *http.Request, orgID string) reply {
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
		i, found := o.position[userIDOfKey(key)]
		if !found {
			return badRequest("Invalid lastKey")
		}
		start = i + 1
	}
	end := min(start+limit, len(o.order))
	page := o.order[start:end]
	hasNext := end < len(o.order)
	if s.cfg.ListShape == ListTopLevel {
		return s.listTopLevel(o, page, limit, start, hasNext)
	}
	users := make([]map[string]any, 0, len(page))
	for _, id := range page {
		u := o.users[id]
		users = append(users, map[string]any{
			"user_id": u.UserID, "external_user_id": orNull(u.ExternalUserID),
			"full_name": s.displayName(u), "access_roles": rolesOf(u),
		})
	}
	pagination := map[string]any{"total": len(o.order), "limit": limit}
	if hasNext {
		pagination["lastKey"] = keyOf(page[len(page)-1])
	}
	return ok(http.StatusOK, "Users retrieved successfully", "", map[string]any{"users": users, "pagination": pagination})
}

// listTopLevel answers one page as the response standard shows a list:
// data a bare array of {user_id, email}, pagination beside it. s.mu must
// be held.
func (s *Server) listTopLevel(o *org, page []string, limit, offset int, hasNext bool) reply {
	users := make([]map[string]any, 0, len(page))
	for _, id := range page {
		users = append(users, map[string]any{"user_id": id, "email": o.users[id].Email})
	}
	var lastKey any // "If null, no more pages are available"
	if hasNext {
		lastKey = keyOf(page[len(page)-1])
	}
	rep := ok(http.StatusOK, "Users retrieved successfully", "", users)
	rep.env.Pagination = map[string]any{
		"count": len(users), "hasNext": hasNext, "limit": limit, "offset": offset, "lastKey": lastKey,
	}
	return rep
}

// keyOf encodes a page's last user id the way the example's lastKey
// reads: base64 of {"user_id":…}, so clients treat it as opaque.
func keyOf(userID string) string {
	raw, _ := json.Marshal(map[string]string{"user_id": userID})
	return base64.RawURLEncoding.EncodeToString(raw)
}

// userIDOfKey undoes keyOf; a key it did not make names no user.
func userIDOfKey(key string) string {
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return ""
	}
	var k struct {
		UserID string `json:"user_id"`
	}
	if json.Unmarshal(raw, &k) != nil {
		return ""
	}
	return k.UserID
}
