package parchment

import (
	"bytes"
	"encoding/json"
)

// envelope is the body of every response, success or failure.
type envelope struct {
	Success    bool            `json:"success"`
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Code       string          `json:"code"`
	Data       json.RawMessage `json:"data"`
	Error      *problem        `json:"error"`
	RequestID  string          `json:"requestId"`
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
}

func (r userRef) id() string {
	if r.ParchmentUserID != "" {
		return r.ParchmentUserID
	}
	return r.UserID
}
