package parchmenttest

import (
	"time"

	"golang.org/x/time/rate"
)

// SetRate changes one organisation's limit from now on: rate requests/s
// with a bucket of burst (0: a second's worth, as Config.Burst). A rate of
// 0 lifts the limit. The bucket keeps the tokens it holds, up to the new
// burst, as a gateway's would; the limit then holds until changed again,
// whatever Config says.
func (s *Server) SetRate(orgID string, r float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	switch {
	case r <= 0:
		o.limiter = nil
	case o.limiter == nil:
		o.limiter = rate.NewLimiter(rate.Limit(r), orDefaultBurst(burst, r))
	default:
		now := time.Now()
		o.limiter.SetLimitAt(now, rate.Limit(r))
		o.limiter.SetBurstAt(now, orDefaultBurst(burst, r))
	}
}

// limiter returns the organisation's limiter, nil when it has no limit.
func (s *Server) limiter(orgID string) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.orgLocked(orgID).limiter
}

// orDefaultBurst is burst, or a second's worth of r (at least 1) when
// burst is not positive.
func orDefaultBurst(burst int, r float64) int {
	if burst > 0 {
		return burst
	}
	return max(1, int(r+0.999))
}
