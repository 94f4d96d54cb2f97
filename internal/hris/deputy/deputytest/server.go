// Package deputytest is a stand-in for Deputy's Resource API and OAuth
// 2.0 server, written from Deputy's public docs: Employee QUERY paged by
// start and max (at most 500) with the ContactObject and
// CustomFieldDataObject joins, archived staff included, a permanent token
// or OAuth tokens (Bearer or OAuth scheme), the code exchange on
// once.deputy.com's paths and refreshes on the install host's, with
// refresh tokens that rotate.
package deputytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
)

// MaxPage is Deputy's limit of records per response.
const MaxPage = 500

// Scope is the only scope Deputy has; it is sent with every token request.
const Scope = "longlife_refresh_token"

// Config sets up a stand-in.
type Config struct {
	// Token is a permanent token; "" accepts OAuth tokens only.
	Token string
	// ClientID, ClientSecret and RedirectURIs register an OAuth client.
	ClientID, ClientSecret string
	RedirectURIs           []string
	Employees              []Employee
}

// Server is the stand-in; one handler answers for once.deputy.com and the
// install host alike, told apart by path.
type Server struct {
	cfg    Config
	mux    *http.ServeMux
	OAuth  *standin.OAuth
	Faults standin.Faults

	mu      sync.Mutex
	queries int
}

// New returns a stand-in serving cfg.Employees.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg}
	s.OAuth = &standin.OAuth{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURIs: cfg.RedirectURIs,
		Scope: Scope, RefreshRedirect: true, ExpiresIn: 86400,
		// The token answer names the install the account lives on.
		Extra: func(r *http.Request) map[string]any { return map[string]any{"endpoint": r.Host} },
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /my/oauth/login", s.OAuth.Authorize)
	s.mux.HandleFunc("POST /my/oauth/access_token", s.OAuth.Token)
	s.mux.HandleFunc("POST /oauth/access_token", s.OAuth.Token)
	s.mux.HandleFunc("GET /api/v1/me", s.api(s.me))
	s.mux.HandleFunc("POST /api/v1/resource/Employee/QUERY", s.api(s.query))
	s.mux.HandleFunc("GET /api/v1/resource/Employee/{id}", s.api(s.one))
	s.mux.HandleFunc("GET /api/v1/resource/CustomField", s.api(s.customFields))
	s.mux.HandleFunc("POST /api/v1/resource/CustomField/QUERY", s.api(s.customFields))
	return s
}

// Queries counts Employee QUERY requests answered (faults excluded).
func (s *Server) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// api checks the token and serves queued faults first.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := standin.Bearer(r, "Bearer", "OAuth")
		if tok == "" || (tok != s.cfg.Token && !s.OAuth.Valid(tok)) {
			standin.WriteJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": 401, "message": "Unauthorised: invalid or expired token"}})
			return
		}
		if s.Faults.Take(w) {
			return
		}
		h(w, r)
	}
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request) {
	standin.WriteJSON(w, http.StatusOK, map[string]any{"UserId": 1, "EmployeeId": 1, "Name": "Stand-in Admin"})
}

type queryBody struct {
	Search map[string]struct {
		Field string `json:"field"`
		Type  string `json:"type"`
		Data  any    `json:"data"`
	} `json:"search"`
	Join  []string `json:"join"`
	Start int      `json:"start"`
	Max   int      `json:"max"`
}

func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	var q queryBody
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		standin.WriteJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": 400, "message": "body is not JSON"}})
		return
	}
	if q.Max <= 0 || q.Max > MaxPage {
		q.Max = MaxPage
	}
	s.mu.Lock()
	s.queries++
	s.mu.Unlock()
	var matched []map[string]any
	for _, e := range s.cfg.Employees {
		if matches(e, q) {
			matched = append(matched, s.render(e, q.Join, r))
		}
	}
	start := min(max(q.Start, 0), len(matched))
	end := min(start+q.Max, len(matched))
	standin.WriteJSON(w, http.StatusOK, matched[start:end]) // a bare array, no total
}

// matches applies eq clauses; others are ignored, as no test needs them.
func matches(e Employee, q queryBody) bool {
	for _, c := range q.Search {
		if c.Type == "eq" && !equal(e.Fields[c.Field], c.Data) {
			return false
		}
	}
	return true
}

func equal(have, want any) bool {
	if b, ok := have.(bool); ok { // Deputy takes 1 and true for a bool
		switch w := want.(type) {
		case bool:
			return b == w
		case float64:
			return b == (w != 0)
		}
	}
	hb, _ := json.Marshal(have)
	wb, _ := json.Marshal(want)
	return string(hb) == string(wb)
}

func (s *Server) one(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	for _, e := range s.cfg.Employees {
		if e.Fields["Id"] == id {
			standin.WriteJSON(w, http.StatusOK, s.render(e, nil, r))
			return
		}
	}
	standin.WriteJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": 404, "message": "Not found"}})
}

// customFields lists the Employee custom fields' definitions.
func (s *Server) customFields(w http.ResponseWriter, _ *http.Request) {
	defs := make([]map[string]any, len(CustomFields))
	for i, api := range CustomFields {
		defs[i] = map[string]any{"Id": i + 1, "System": "Employee", "Name": api, "ApiName": api,
			"DeputyField": fmt.Sprintf("F%02d", i+1), "SortOrder": i + 1, "Type": 1, "Published": true}
	}
	standin.WriteJSON(w, http.StatusOK, defs)
}

func (s *Server) render(e Employee, joins []string, r *http.Request) map[string]any {
	out := make(map[string]any, len(e.Fields)+3)
	for k, v := range e.Fields {
		out[k] = v
	}
	for _, j := range joins {
		switch j {
		case "ContactObject":
			out[j] = e.Contact
		case "CustomFieldDataObject":
			out[j] = e.Custom
		}
	}
	if r.Header.Get("dp-meta-option") != "none" {
		out["_DPMetaData"] = map[string]any{"System": "Employee", "CreatorInfo": map[string]any{"Id": 1}}
	}
	return out
}
