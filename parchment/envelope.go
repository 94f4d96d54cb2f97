package parchment

import (
	"bytes"
	"encoding/json"
)

// envelope is the body of every response, success or failure.
type envelope struct {
	// Success is a pointer: a body without it (a gateway's, say) is not
	// read as a refusal.
	Success    *bool           `json:"success"`
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Code       string          `json:"code"`
	Data       json.RawMessage `json:"data"`
	Error      *problem        `json:"error"`
	RequestID  string          `json:"requestId"`
	// Pagination sits beside data in the general response standard.
	Pagination *pagination `json:"pagination"`
}

// refusal is the status a readable body refuses with, or 0: a body whose
// success is false, whatever the HTTP status line said. Its statusCode is
// used when it is an error status, else the refusal is a plain 400.
func (e *envelope) refusal(readable bool) int {
	if !readable || e.Success == nil || *e.Success {
		return 0
	}
	if e.StatusCode >= 400 && e.StatusCode < 600 {
		return e.StatusCode
	}
	return 400
}

// problem is the RFC 7807 object inside an error envelope.
type problem struct {
	Type       string       `json:"type"`
	Title      string       `json:"title"`
	Detail     string       `json:"detail"`
	Validation []FieldError `json:"validation"`
}

// UnmarshalJSON also accepts a bare string, which gateways in front of
// the API sometimes send instead of the problem object.
func (p *problem) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		return json.Unmarshal(b, &p.Detail)
	}
	type plain problem
	return json.Unmarshal(b, (*plain)(p))
}

// userRef is how response data names a user; creates use
// parchment_user_id, other answers user_id.
type userRef struct {
	ParchmentUserID string `json:"parchment_user_id"`
	UserID          string `json:"user_id"`
	ExternalUserID  string `json:"external_user_id"`
	URL             string `json:"url"`
	Code            string `json:"code"`
	// Warning says what part of a create did not happen.
	Warning string `json:"warning"`
}

func (r userRef) id() string {
	if r.ParchmentUserID != "" {
		return r.ParchmentUserID
	}
	return r.UserID
}
