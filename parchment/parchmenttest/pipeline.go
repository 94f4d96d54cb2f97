package parchmenttest

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// serve runs every endpoint through the same steps a real gateway takes:
// delay, count, rate limit, authenticate, maybe fail, handle, maybe drop.
func (s *Server) serve(ep endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := s.latency(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		id := s.nextRequestID(ep.kind)
		orgID := r.PathValue("org")
		if ep.kind == kindToken {
			orgID = r.Header.Get("x-organization-id")
		}
		rep, admitted := s.admit(r, ep, orgID)
		if admitted {
			rep = ep.handle(r, orgID)
		}
		if rep.applied && ep.mutating && s.chance(s.cfg.DropRate) {
			s.log.Debug("parchment stand-in dropped", "kind", ep.kind, "path", r.URL.Path, "request_id", id)
			s.drop(w)
			return
		}
		rep.write(w, id)
		s.log.Debug("parchment stand-in", "kind", ep.kind, "method", r.Method, "path", r.URL.Path,
			"status", rep.env.StatusCode, "request_id", id)
	})
}

// admit applies the checks every call passes before it may change
// anything; a rejection is answered instead of the endpoint.
func (s *Server) admit(r *http.Request, ep endpoint, orgID string) (reply, bool) {
	if orgID != "" {
		if wait, limited := s.rateLimited(orgID); limited {
			s.count(func(c *Counters) { c.RateLimited++ })
			rep := fail(http.StatusTooManyRequests, typeRateLimit, "Rate limit exceeded", "Too many requests. Please try again later.")
			rep.retryAfter = wait
			return rep, false
		}
	}
	if ep.kind == kindToken {
		return reply{}, true
	}
	if rep, ok := s.authorize(r, orgID, ep); !ok {
		return rep, false
	}
	if s.chance(s.cfg.FailRate) {
		s.count(func(c *Counters) { c.ServerErrors++ })
		return serverFailure(s.cfg.FailStatus), false
	}
	return reply{}, true
}

// rateLimited takes one request from the organisation's allowance, or
// says how many whole seconds to wait for the next.
func (s *Server) rateLimited(orgID string) (retryAfter int, limited bool) {
	lim := s.limiter(orgID)
	if lim == nil || lim.Allow() {
		return 0, false
	}
	res := lim.Reserve()
	wait := res.Delay()
	res.Cancel()
	return max(1, int(math.Ceil(wait.Seconds()))), true
}

// latency is one answer's delay: Latency, spread by LatencyJitter.
func (s *Server) latency() time.Duration {
	if s.cfg.LatencyJitter <= 0 || s.cfg.Latency <= 0 {
		return s.cfg.Latency
	}
	s.mu.Lock()
	u := s.rng.Float64()
	s.mu.Unlock()
	return time.Duration(float64(s.cfg.Latency) * (1 + s.cfg.LatencyJitter*(2*u-1)))
}

// drop closes the connection without an answer.
func (s *Server) drop(w http.ResponseWriter) {
	s.count(func(c *Counters) { c.Drops++ })
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// nextRequestID counts a request and names it req_<n>_<random>.
func (s *Server) nextRequestID(kind string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.counters.Requests[kind]++
	return fmt.Sprintf("req_%d_%s", s.requests, s.randomString(6))
}

// chance draws true with probability p.
func (s *Server) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < p
}

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString needs s.mu held.
func (s *Server) randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

func (s *Server) count(f func(*Counters)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.counters)
}
