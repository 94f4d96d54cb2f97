// Package keypaytest is a stand-in for Employment Hero Payroll's (KeyPay's)
// API, as far as a staff sync reads it: HTTP Basic with the API key as user
// name, the businesses the key sees, the paged employee list with OData
// $top, $skip, $select and a Status filter, and each employee's
// qualifications. It is written from the vendor's public documentation,
// not from this project's client, so the two can disagree. The command's
// sandbox serves it; tests serve it from net/http/httptest.
package keypaytest

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// DefaultAPIKey is the key the stand-in accepts when none is set.
	DefaultAPIKey = "demo-keypay-key"
	// DefaultBusinessID is the one business the stand-in holds.
	DefaultBusinessID = 4321
	// MaxTop is the largest $top, and the default: "The employee list API
	// limits the number of results to 100 per request".
	MaxTop = 100
)

// Config sets up a stand-in.
type Config struct {
	APIKey       string // DefaultAPIKey when empty
	BusinessID   int    // DefaultBusinessID when 0
	BusinessName string
	Employees    []Employee
	// Latency delays every answer, as a distant API would.
	Latency time.Duration
	// TooManyEvery answers every nth employee-list call 429 Too Many
	// Requests with Retry-After: RetryAfter seconds (0: never). The
	// vendor publishes no limits; a client must still survive them.
	TooManyEvery int
	RetryAfter   int
	Logger       *slog.Logger
}

// Server is the stand-in; it is safe for concurrent use.
type Server struct {
	cfg       Config
	mux       *http.ServeMux
	mu        sync.RWMutex
	employees []Employee
	listCalls atomic.Int64
	tooMany   atomic.Int64
	rejected  atomic.Int64
	maxTop    atomic.Int64
}

// New returns a stand-in holding cfg.Employees.
func New(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = DefaultAPIKey
	}
	if cfg.BusinessID == 0 {
		cfg.BusinessID = DefaultBusinessID
	}
	if cfg.BusinessName == "" {
		cfg.BusinessName = "Harbour Clinic Pty Ltd"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, employees: cfg.Employees, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /api/v2/user", s.user)
	s.mux.HandleFunc("GET /api/v2/business", s.businesses)
	s.mux.HandleFunc("GET /api/v2/business/{businessId}/employee/unstructured", s.list)
	s.mux.HandleFunc("GET /api/v2/business/{businessId}/employee/{employeeId}/qualification", s.qualifications)
	s.mux.HandleFunc("GET /api/v2/business/{businessId}/qualification", s.qualificationDefs)
	return s
}

// SetEmployees replaces the staff, as a payroll edited between runs.
func (s *Server) SetEmployees(e []Employee) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.employees = e
}

// ListCalls counts employee-list calls that were answered 200.
func (s *Server) ListCalls() int { return int(s.listCalls.Load()) }

// TooManyServed counts the 429s the stand-in answered.
func (s *Server) TooManyServed() int { return int(s.tooMany.Load()) }

// Rejected counts calls refused for their credentials.
func (s *Server) Rejected() int { return int(s.rejected.Load()) }

// LargestTop is the largest $top a client asked for.
func (s *Server) LargestTop() int { return int(s.maxTop.Load()) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Latency > 0 {
		select {
		case <-time.After(s.cfg.Latency):
		case <-r.Context().Done():
			return
		}
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.cfg.APIKey || pass != "" {
		s.rejected.Add(1)
		// The vendor's error body is not documented; this is a guess.
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Authorization has been denied for this request."})
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) user(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"id": 14144, "email": "payroll@harbourclinic.example", "displayName": "Payroll Admin", "timeZone": "AUS Eastern Standard Time"})
}

func (s *Server) businesses(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, []map[string]any{{"id": s.cfg.BusinessID, "name": s.cfg.BusinessName}})
}

// business checks the path's business id; false means it answered.
func (s *Server) business(w http.ResponseWriter, r *http.Request) bool {
	if id, err := strconv.Atoi(r.PathValue("businessId")); err != nil || id != s.cfg.BusinessID {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "No business with that id is available to this user."})
		return false
	}
	return true
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	if !s.business(w, r) {
		return
	}
	q := r.URL.Query()
	top, skip, err := paging(q.Get("$top"), q.Get("$skip"))
	if err != "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err})
		return
	}
	if n := s.cfg.TooManyEvery; n > 0 && (s.listCalls.Load()+s.tooMany.Load()+1)%int64(n) == 0 {
		s.tooMany.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(s.cfg.RetryAfter))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Too many requests."})
		return
	}
	for cur := s.maxTop.Load(); int64(top) > cur && !s.maxTop.CompareAndSwap(cur, int64(top)); cur = s.maxTop.Load() {
	}
	status, filtered := statusFilter(q.Get("$filter"))
	sel := parseSelect(q.Get("$select"))
	s.mu.RLock()
	var page []map[string]any
	seen := 0
	for _, e := range s.employees {
		if filtered && !strings.EqualFold(e.Fields["status"].(string), status) {
			continue
		}
		seen++
		if seen <= skip {
			continue
		}
		if len(page) == top {
			break
		}
		page = append(page, sel.apply(e.Fields))
	}
	s.mu.RUnlock()
	s.listCalls.Add(1)
	if page == nil {
		page = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, page)
}

func paging(topText, skipText string) (top, skip int, problem string) {
	top = MaxTop
	var err error
	if topText != "" {
		if top, err = strconv.Atoi(topText); err != nil || top < 1 {
			return 0, 0, "$top must be a positive whole number."
		}
	}
	if top > MaxTop {
		// Whether the real API refuses or caps a larger $top is not
		// documented; refusing catches a client that relies on either.
		return 0, 0, "$top may be at most 100."
	}
	if skipText != "" {
		if skip, err = strconv.Atoi(skipText); err != nil || skip < 0 {
			return 0, 0, "$skip must be a whole number."
		}
	}
	return top, skip, ""
}

// statusFilter understands $filter=Status eq 'Active', the one filter a
// sync might send; anything else is ignored.
func statusFilter(f string) (string, bool) {
	prop, rest, ok := strings.Cut(strings.TrimSpace(f), " eq ")
	if !ok || !strings.EqualFold(strings.TrimSpace(prop), "Status") {
		return "", false
	}
	return strings.Trim(strings.TrimSpace(rest), "'"), true
}

// selection is $select: property names, matched regardless of case as
// OData's are, answered under their own camelCase names.
type selection map[string]bool

func parseSelect(s string) selection {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	sel := selection{}
	for _, name := range strings.Split(s, ",") {
		sel[strings.ToLower(strings.TrimSpace(name))] = true
	}
	return sel
}

func (sel selection) apply(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if sel == nil || sel[strings.ToLower(k)] {
			out[k] = v
		}
	}
	return out
}

func (s *Server) qualifications(w http.ResponseWriter, r *http.Request) {
	if !s.business(w, r) {
		return
	}
	id, _ := strconv.Atoi(r.PathValue("employeeId"))
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range s.employees {
		if e.ID == id {
			q := e.Qualifications
			if q == nil {
				q = []Qualification{}
			}
			writeJSON(w, http.StatusOK, q)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Employee not found."})
}

func (s *Server) qualificationDefs(w http.ResponseWriter, r *http.Request) {
	if !s.business(w, r) {
		return
	}
	var defs []map[string]any
	for i, name := range []string{QualificationAHPRA, QualificationPrescriber, QualificationProvider, QualificationHospitalProvider, QualificationHPII, QualificationDegrees} {
		defs = append(defs, map[string]any{"id": i + 1, "name": name})
	}
	writeJSON(w, http.StatusOK, defs)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
