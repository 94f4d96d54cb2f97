// Package employmentherotest is a stand-in for Employment Hero's HR API
// and OAuth 2.0 server, written from its public docs and official client:
// the code grant with PKCE, 15-minute access tokens and refresh tokens
// that rotate; organisations; employees paged by page_index and
// item_per_page in a data envelope, terminated staff included; each
// employee's custom fields.
package employmentherotest

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
)

// MaxPage is the largest item_per_page the stand-in serves (the docs
// read say 100 in one place and 200 in another).
const MaxPage = 100

// Config sets up a stand-in.
type Config struct {
	ClientID, ClientSecret string
	RedirectURIs           []string
	OrganisationID         string
	Employees              []Employee
	// PerSecond and PerMinute, when set, answer 429 beyond them, as
	// Employment Hero does beyond 20 a second and 100 a minute.
	PerSecond, PerMinute int
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Server is the stand-in; one handler answers for the OAuth host and the
// API host.
type Server struct {
	cfg    Config
	mux    *http.ServeMux
	OAuth  *standin.OAuth
	Faults standin.Faults

	limits [2]*standin.Window

	mu    sync.Mutex
	pages []int // page_index of each employee page answered
}

// New returns a stand-in serving cfg.Employees in cfg.OrganisationID.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, limits: [2]*standin.Window{
		{Limit: cfg.PerSecond, Span: time.Second}, {Limit: cfg.PerMinute, Span: time.Minute},
	}}
	s.OAuth = &standin.OAuth{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURIs: cfg.RedirectURIs,
		RequirePKCE: true, ExpiresIn: 900,
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /oauth2/authorize", s.OAuth.Authorize)
	s.mux.HandleFunc("POST /oauth2/token", s.OAuth.Token)
	s.mux.HandleFunc("GET /api/v1/organisations", s.api(s.organisations))
	s.mux.HandleFunc("GET /api/v1/organisations/{org}/employees", s.api(s.employees))
	s.mux.HandleFunc("GET /api/v1/organisations/{org}/employees/{id}/custom_fields", s.api(s.customFields))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Pages lists the page_index of every employee page answered, in order.
func (s *Server) Pages() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.pages...)
}

func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.OAuth.Valid(standin.Bearer(r, "Bearer")) {
			standin.WriteJSON(w, http.StatusUnauthorized, map[string]any{"message": "Invalid token"})
			return
		}
		if s.Faults.Take(w) || s.throttled(w) {
			return
		}
		if org := r.PathValue("org"); org != "" && org != s.cfg.OrganisationID {
			standin.WriteJSON(w, http.StatusNotFound, map[string]any{"code": 404, "error": "organisation not found"})
			return
		}
		h(w, r)
	}
}

// throttled answers 429 to a request beyond a limit.
func (s *Server) throttled(w http.ResponseWriter) bool {
	now := s.cfg.Now()
	for _, l := range s.limits {
		if ok, wait := l.Allow(now); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
			standin.WriteJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "error": "rate limit exceeded"})
			return true
		}
	}
	return false
}

func (s *Server) organisations(w http.ResponseWriter, _ *http.Request) {
	page(w, []any{map[string]any{"id": s.cfg.OrganisationID, "name": "Harbour Clinic", "country": "AU"}}, 1, 20)
}

func (s *Server) employees(w http.ResponseWriter, r *http.Request) {
	index, size := atoi(r.URL.Query().Get("page_index"), 1), atoi(r.URL.Query().Get("item_per_page"), 20)
	size = min(size, MaxPage)
	s.mu.Lock()
	s.pages = append(s.pages, index)
	s.mu.Unlock()
	items := make([]any, len(s.cfg.Employees))
	for i, e := range s.cfg.Employees {
		items[i] = e.Fields
	}
	page(w, items, index, size)
}

func (s *Server) customFields(w http.ResponseWriter, r *http.Request) {
	for _, e := range s.cfg.Employees {
		if e.Fields["id"] == r.PathValue("id") {
			items := make([]any, len(e.CustomFields))
			for i, f := range e.CustomFields {
				items[i] = f
			}
			page(w, items, 1, len(items)+1)
			return
		}
	}
	standin.WriteJSON(w, http.StatusNotFound, map[string]any{"code": 404, "error": "employee not found"})
}

// page writes items' page index (1-based) of size in the data envelope.
func page(w http.ResponseWriter, items []any, index, size int) {
	from := min(max(index-1, 0)*size, len(items))
	to := min(from+size, len(items))
	standin.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"items": items[from:to], "item_per_page": size, "page_index": index,
		"total_pages": (len(items) + size - 1) / size, "total_items": len(items),
	}})
}

func atoi(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return def
	}
	return n
}
