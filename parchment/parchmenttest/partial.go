package parchmenttest

import (
	"net/http"
)

// CreateAnswer is one of the partial successes the create page lists; the
// pages publish no bodies for them, so these follow the documented envelope.
type CreateAnswer string

const (
	// ProviderCreationFailed stores the user without its provider details
	// and answers 201 PROVIDER_CREATION_FAILED.
	ProviderCreationFailed CreateAnswer = "PROVIDER_CREATION_FAILED"
	// DemographicConflict stores the user and answers 202: a matching user
	// returned despite conflicting demographics.
	DemographicConflict CreateAnswer = "DEMOGRAPHIC_CONFLICT"
)

// AnswerCreateWith makes the next create whose partner_user_id is
// partnerUserID end in answer instead of a clean 201.
func (s *Server) AnswerCreateWith(partnerUserID string, answer CreateAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partials[partnerUserID] = answer
}

func (s *Server) partialAnswer(r *http.Request, orgID string, answer CreateAnswer, u User) reply {
	data := createdData(r, orgID, u)
	var rep reply
	if answer == DemographicConflict {
		rep = ok(http.StatusAccepted, "User creation accepted (demographic conflicts found)", "", data)
	} else {
		rep = ok(http.StatusCreated, "User created; provider creation failed", string(answer), data)
	}
	rep.applied = true
	return rep
}

// withoutProvider keeps what a user has when its provider record failed.
func (u User) withoutProvider() User {
	u.DateOfBirth, u.Sex, u.HPIINumber, u.Title = "", "", "", ""
	u.PrescriberType, u.PrescriberNumber, u.Qualifications = "", "", ""
	u.ProviderNumber, u.AHPRANumber, u.HospitalProviderNumber = "", "", ""
	u.AccessRoles = append([]string(nil), u.AccessRoles...)
	return u
}
