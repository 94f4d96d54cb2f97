package parchmenttest

import (
	"net/http"
	"strings"
)

// CreateAnswer is a create answer other than a clean 201: the create
// page's partial successes, and its 202.
type CreateAnswer string

const (
	// ProviderNotFound stores the user, roles as sent, without a provider
	// record and answers 201 USER_CREATED_PROVIDER_NOT_FOUND with
	// data{user_id, warning: "User created successfully but provider
	// search failed"}.
	ProviderNotFound CreateAnswer = "USER_CREATED_PROVIDER_NOT_FOUND"
	// ProviderAlreadyExists does the same and answers 201
	// USER_CREATED_PROVIDER_ALREADY_EXISTS, warning "User created
	// successfully but provider creation failed".
	ProviderAlreadyExists CreateAnswer = "USER_CREATED_PROVIDER_ALREADY_EXISTS"
	// ProviderCreationFailed is the name this answer had before the
	// create page's codes were read.
	//
	// Deprecated: use ProviderAlreadyExists or ProviderNotFound.
	ProviderCreationFailed = ProviderAlreadyExists
	// DemographicConflict stores the user and answers 202: a matching user
	// returned despite conflicting demographics.
	DemographicConflict CreateAnswer = "DEMOGRAPHIC_CONFLICT"
)

// providerFailure is what the create page shows for each partial success.
var providerFailure = map[CreateAnswer]struct{ message, warning string }{
	ProviderNotFound:      {"User created but provider not found", "User created successfully but provider search failed"},
	ProviderAlreadyExists: {"User created but provider already exists", "User created successfully but provider creation failed"},
}

// AnswerCreateWith makes the next create whose partner_user_id is
// partnerUserID end in answer instead of a clean 201.
func (s *Server) AnswerCreateWith(partnerUserID string, answer CreateAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partials[partnerUserID] = answer
}

// createAnswerLocked picks how a valid create ends: a partial success
// asked for by AnswerCreateWith first, then, for a create with the
// provider role, one its HPI-I suffix or PartialProviderRate picks. Empty
// means a clean 201. s.mu must be held.
func (s *Server) createAnswerLocked(b createBody) CreateAnswer {
	if answer, found := s.partials[b.PartnerUserID]; found {
		delete(s.partials, b.PartnerUserID)
		return answer
	}
	if !b.isProvider() {
		return ""
	}
	longest := ""
	for suffix := range s.cfg.PartialProviderHPII {
		if strings.HasSuffix(b.HPIINumber, suffix) && len(suffix) > len(longest) {
			longest = suffix
		}
	}
	if longest != "" {
		return s.cfg.PartialProviderHPII[longest]
	}
	if p := s.cfg.PartialProviderRate; p > 0 && s.rng.Float64() < p {
		if s.rng.IntN(2) == 0 {
			return ProviderNotFound
		}
		return ProviderAlreadyExists
	}
	return ""
}

func (s *Server) partialAnswer(r *http.Request, orgID string, answer CreateAnswer, u User) reply {
	var rep reply
	if f, isProvider := providerFailure[answer]; isProvider {
		rep = ok(http.StatusCreated, f.message, string(answer), map[string]any{"user_id": u.UserID, "warning": f.warning})
	} else {
		rep = ok(http.StatusAccepted, "User creation accepted (demographic conflicts found)", "", createdData(r, orgID, u))
	}
	rep.applied = true
	return rep
}

// withoutProvider keeps what a user has when its provider record failed:
// the user part (names, email, title, roles as sent) without the
// provider record's fields, and marked so that reads answer
// provider_details null until an update sends provider_details.
func (u User) withoutProvider() User {
	u.DateOfBirth, u.Sex, u.HPIINumber, u.Phone = "", "", "", ""
	u.PrescriberType, u.PrescriberNumber, u.Qualifications = "", "", ""
	u.ProviderNumber, u.AHPRANumber, u.HospitalProviderNumber = "", "", ""
	u.AccessRoles = append([]string(nil), u.AccessRoles...)
	u.ProviderMissing = true
	return u
}
