package parchmenttest

import (
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// PathPrefix is the path every endpoint is served under, as in
// Parchment's base URLs.
const PathPrefix = "/external"

// Server is the stand-in. It is an http.Handler and safe for concurrent use.
type Server struct {
	// URL is the base URL clients use, prefix included. Start sets it; a
	// Server mounted by other means leaves it empty.
	URL string

	cfg Config
	log *slog.Logger
	mux *http.ServeMux

	mu            sync.Mutex
	rng           *rand.Rand
	requests      int
	orgs          map[string]*org
	tokens        map[string]issuedToken
	expiredBefore time.Time // tokens issued before this are expired
	rejectTokens  bool
	counters      Counters
	updates       []UpdateRequest
	// partials maps a partner_user_id to the partial success its next
	// create answers with (see AnswerCreateWith).
	partials map[string]CreateAnswer
	// roleConflicts holds the users whose next roles call answers 409
	// (see AnswerRolesWithConflict).
	roleConflicts map[userKey]bool
}

// userKey names one user of one organisation.
type userKey struct{ org, user string }

// New returns a Server with no users. It panics when cfg.Validate fails:
// a test's configuration is a programming error, not a runtime one.
func New(cfg Config) *Server {
	if err := cfg.Validate(); err != nil {
		panic("parchmenttest: " + err.Error())
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:           cfg,
		log:           cfg.Logger,
		mux:           http.NewServeMux(),
		rng:           rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed)),
		orgs:          map[string]*org{},
		tokens:        map[string]issuedToken{},
		partials:      map[string]CreateAnswer{},
		roleConflicts: map[userKey]bool{},
	}
	s.counters.Requests = map[string]int{}
	s.routes()
	return s
}

// TB is the part of testing.TB that Start needs. It is declared here so
// that the binary, which serves the stand-in through sandbox, does not
// link the testing package.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Start serves a new Server on a loopback port for the length of the test.
func Start(t TB, cfg Config) *Server {
	t.Helper()
	s := New(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("stand-in: listen on loopback: %v", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.URL = "http://" + ln.Addr().String() + PathPrefix
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Request kinds, as Counters.Requests names them.
const (
	kindToken    = "token"
	kindValidate = "validate"
	kindCreate   = "create"
	kindList     = "list"
	kindGet      = "get"
	kindUpdate   = "update"
	kindRoles    = "roles"
	kindDisable  = "disable"
	kindEnable   = "enable"
	kindOther    = "other"
)

// endpoint is one route's behaviour.
type endpoint struct {
	kind     string // counted and logged under this name
	scope    string // required of the token; empty: any valid token
	mutating bool   // a successful answer may be dropped
	handle   func(r *http.Request, orgID string) reply
	// refusalNames is the scope a 403 for a missing scope names, when it
	// differs from scope: the disable page requires update:user but its
	// 403 row names delete:user.
	refusalNames string
}

func (s *Server) routes() {
	const users = PathPrefix + "/v1/organizations/{org}/users"
	routes := []struct {
		method, path string
		ep           endpoint
	}{
		{"POST", PathPrefix + "/v1/token", endpoint{kind: kindToken, handle: s.issueToken}},
		{"GET", PathPrefix + "/v1/organizations/{org}/validate", endpoint{kind: kindValidate, scope: scopeCreatePatient, handle: s.validate}},
		{"POST", users, endpoint{kind: kindCreate, scope: scopeCreateUser, mutating: true, handle: s.createUser}},
		{"GET", users, endpoint{kind: kindList, scope: scopeReadUsers, handle: s.listUsers}},
		{"GET", users + "/{user}", endpoint{kind: kindGet, scope: scopeReadUser, handle: s.getUser}},
		{"PUT", users + "/{user}", endpoint{kind: kindUpdate, scope: scopeUpdateUser, mutating: true, handle: s.updateUser}},
		{"PUT", users + "/{user}/roles", endpoint{kind: kindRoles, scope: scopeUpdateUser, mutating: true, handle: s.updateRoles}},
		{"PUT", users + "/{user}/disable", endpoint{kind: kindDisable, scope: scopeUpdateUser, refusalNames: scopeDeleteUser, mutating: true, handle: s.setDisabled(true)}},
		{"PUT", users + "/{user}/enable", endpoint{kind: kindEnable, scope: scopeUpdateUser, mutating: true, handle: s.setDisabled(false)}},
	}
	paths := map[string]bool{}
	for _, rt := range routes {
		s.mux.Handle(rt.method+" "+rt.path, s.serve(rt.ep))
		if !paths[rt.path] {
			// Another method on a known path gets an enveloped 405, not
			// the mux's plain text one.
			paths[rt.path] = true
			s.mux.Handle(rt.path, s.plain(http.StatusMethodNotAllowed, "Method not allowed"))
		}
	}
	s.mux.Handle("/", s.plain(http.StatusNotFound, "Route not found"))
}
