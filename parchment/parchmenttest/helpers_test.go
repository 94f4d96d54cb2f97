package parchmenttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const (
	org    = "org_1"
	static = "static-token"
)

// answer is a decoded envelope.
type answer struct {
	Status     int
	Success    bool           `json:"success"`
	StatusCode int            `json:"statusCode"`
	Message    string         `json:"message"`
	Code       string         `json:"code"`
	Data       map[string]any `json:"data"`
	Error      struct {
		Type       string                     `json:"type"`
		Title      string                     `json:"title"`
		Detail     string                     `json:"detail"`
		Validation []parchmenttest.FieldError `json:"validation"`
	} `json:"error"`
	RequestID  string `json:"requestId"`
	Timestamp  string `json:"timestamp"`
	RetryAfter string
}

// fields lists the fields a 422 named.
func (a answer) fields() []string {
	var out []string
	for _, v := range a.Error.Validation {
		out = append(out, v.Field)
	}
	return out
}

// start serves a stand-in that accepts the static token.
func start(t *testing.T, cfg parchmenttest.Config) *parchmenttest.Server {
	t.Helper()
	cfg.Token = static
	return parchmenttest.Start(t, cfg)
}

// newRequest builds a request with the static token and the right secret
// unless header overrides them; body is JSON-encoded unless it is a string.
func newRequest(ctx context.Context, s *parchmenttest.Server, method, path string, body any, header ...string) (*http.Request, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+static)
	req.Header.Set("x-organization-secret", parchmenttest.DefaultOrganizationSecret)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req, nil
}

// send makes one request (see newRequest) and decodes its envelope.
func send(t *testing.T, s *parchmenttest.Server, method, path string, body any, header ...string) answer {
	t.Helper()
	req, err := newRequest(t.Context(), s, method, path, body, header...)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	var a answer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	a.Status = resp.StatusCode
	a.RetryAfter = resp.Header.Get("Retry-After")
	require.Equal(t, resp.StatusCode, a.StatusCode, "statusCode mirrors the HTTP status")
	require.Regexp(t, `^req_\d+_[a-z0-9]{6}$`, a.RequestID)
	return a
}

// sendRaw makes one request (see newRequest) and decodes its body as it
// is, for answers whose data is not an object.
func sendRaw(t *testing.T, s *parchmenttest.Server, method, path string, body any, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := newRequest(t.Context(), s, method, path, body, header...)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// post sends a body without checking the answer, for goroutines and drops.
func post(ctx context.Context, s *parchmenttest.Server, path string, body any) error {
	req, err := newRequest(ctx, s, http.MethodPost, path, body)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func usersPath(orgID string) string { return "/v1/organizations/" + orgID + "/users" }

// staff is a valid non-provider create body.
func staff(partnerID, email string) map[string]any {
	return map[string]any{
		"given_name": "Rose", "family_name": "Tyler", "email": email,
		"partner_user_id": partnerID, "access_roles": []string{"receptionist"},
	}
}

// prescriber is a valid provider create body.
func prescriber(partnerID, email string) map[string]any {
	return map[string]any{
		"given_name": "Darlene", "family_name": "Cameron", "email": email,
		"partner_user_id": partnerID, "access_roles": []string{"admin", "provider"},
		"date_of_birth": "1969-10-02", "sex": "F", "hpii_number": "8003614900029560",
		"prescriber_type": "M", "prescriber_number": "1234567", "qualifications": "MBBS",
		"phone": "0412345678", "provider_number": "123456789", "ahpra_number": "MED0001234567",
	}
}

// with returns a copy of body with changes applied; a nil value deletes.
func with(body map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}
