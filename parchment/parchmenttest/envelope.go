package parchmenttest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Problem types, as Parchment names them.
const (
	typeValidation = "https://parchment.health/errors/validation-error"
	typeBadRequest = "https://parchment.health/errors/bad-request"
	// typeInvalidRequest is the roles page's 400.
	typeInvalidRequest = "https://parchment.health/errors/invalid-request"
	typeNotFound       = "https://parchment.health/errors/not-found"
	typeAuth           = "https://parchment.health/errors/authentication-required"
	typeScope          = "https://parchment.health/errors/insufficient-scope"
	typeConflict       = "https://parchment.health/errors/resource-conflict"
	typeRateLimit      = "https://parchment.health/errors/rate-limit"
	typeInternal       = "https://parchment.health/errors/internal-error"
	typeMethod         = "https://parchment.health/errors/method-not-allowed"
	typeUnavailable    = "https://parchment.health/errors/service-unavailable"
)

// FieldError is one entry of a 422's error.validation list.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// envelope is every answer's body.
type envelope struct {
	Success    bool     `json:"success"`
	StatusCode int      `json:"statusCode"`
	Message    string   `json:"message,omitempty"`
	Code       string   `json:"code,omitempty"`
	Data       any      `json:"data,omitempty"`
	Error      *problem `json:"error,omitempty"`
	Timestamp  string   `json:"timestamp"`
	RequestID  string   `json:"requestId"`
	Meta       any      `json:"meta,omitempty"` // only the token answer's sample has it
	// Pagination sits beside data in the response standard's list shape.
	Pagination any `json:"pagination,omitempty"`
}

type problem struct {
	Type       string       `json:"type"`
	Title      string       `json:"title"`
	Detail     string       `json:"detail"`
	Validation []FieldError `json:"validation,omitempty"`
}

// reply is what an endpoint answers, before the envelope is stamped.
type reply struct {
	env        envelope
	retryAfter int // seconds; sent as Retry-After when positive
	// applied marks a change to stored state, which a drop must not undo.
	applied bool
	// httpStatus is the status line when it differs from the body's
	// statusCode, as where a page shows a body under another heading.
	httpStatus int
}

func ok(status int, message, code string, data any) reply {
	return reply{env: envelope{Success: true, StatusCode: status, Message: message, Code: code, Data: data}}
}

func fail(status int, typ, title, detail string) reply {
	return reply{env: envelope{StatusCode: status, Error: &problem{Type: typ, Title: title, Detail: detail}}}
}

func failCode(status int, code, typ, title, detail string) reply {
	r := fail(status, typ, title, detail)
	r.env.Code = code
	return r
}

func invalid(problems []FieldError) reply {
	r := fail(http.StatusUnprocessableEntity, typeValidation, "Validation failed", "There were some problems with your input.")
	r.env.Error.Validation = problems
	return r
}

// conflict is the 409 the examples show for a taken email; the pages show
// no body for the other conflicts, so they share its type and title.
func conflict(code, detail string) reply {
	return failCode(http.StatusConflict, code, typeConflict, "Resource conflict", detail)
}

// serverFailure is an injected failure of the given status (500 or 503).
func serverFailure(status int) reply {
	if status == http.StatusServiceUnavailable {
		return fail(status, typeUnavailable, "Service Unavailable", "External service temporarily unavailable")
	}
	return fail(http.StatusInternalServerError, typeInternal, "Internal Server Error", "An unexpected error occurred")
}

func badRequest(detail string) reply {
	return fail(http.StatusBadRequest, typeBadRequest, "Bad request", detail)
}

func notFound(detail string) reply {
	return fail(http.StatusNotFound, typeNotFound, "Not found", detail)
}

func unauthorized(detail string) reply {
	return fail(http.StatusUnauthorized, typeAuth, "Unauthorized", detail)
}

func forbidden(detail string) reply {
	return fail(http.StatusForbidden, typeScope, "Insufficient permissions", detail)
}

// insufficientScope is the read and validate pages' scope refusal: a 401
// in the authentication type whose title and detail speak of scope.
func insufficientScope() reply {
	return fail(http.StatusUnauthorized, typeAuth, "Insufficient scope", "Insufficient scope")
}

// write stamps the envelope and sends it.
func (rep reply) write(w http.ResponseWriter, requestID string) {
	rep.env.RequestID = requestID
	rep.env.Timestamp = time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	w.Header().Set("Content-Type", "application/json")
	if rep.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(rep.retryAfter))
	}
	status := rep.env.StatusCode
	if rep.httpStatus != 0 {
		status = rep.httpStatus
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(rep.env)
}

// plain answers every request with one error, outside the pipeline.
func (s *Server) plain(status int, detail string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		typ := typeNotFound
		if status == http.StatusMethodNotAllowed {
			typ = typeMethod
		}
		fail(status, typ, http.StatusText(status), detail).write(w, s.nextRequestID(kindOther))
	})
}
