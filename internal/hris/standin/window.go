package standin

import (
	"sync"
	"time"
)

// Window is a rate limit as a server enforces it: at most Limit requests
// in any Span. The zero Window allows everything.
type Window struct {
	Limit int
	Span  time.Duration

	mu   sync.Mutex
	seen []time.Time
}

// Allow records a request at now, or refuses it and says when one will
// be allowed again (whole seconds, as Retry-After carries them).
func (w *Window) Allow(now time.Time) (bool, time.Duration) {
	if w.Limit <= 0 {
		return true, 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.seen) > 0 && !now.Before(w.seen[0].Add(w.Span)) {
		w.seen = w.seen[1:]
	}
	if len(w.seen) >= w.Limit {
		wait := w.seen[0].Add(w.Span).Sub(now)
		return false, (wait + time.Second - 1).Truncate(time.Second)
	}
	w.seen = append(w.seen, now)
	return true, 0
}
