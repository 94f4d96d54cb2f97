package pacebench

import (
	"net/http"
	"sync"
	"time"
)

// Decision is when the stand-in answered a request, and how. The stand-in
// decides after its latency and answers at once, so the answer's time is
// the decision's.
type Decision struct {
	At     time.Duration // since the first request
	Status int
}

// Limited reports a 429.
func (d Decision) Limited() bool { return d.Status == http.StatusTooManyRequests }

// Trace records every answer of the handler it wraps, timed from the
// first request's arrival, so that a command's start-up does not count.
type Trace struct {
	mu      sync.Mutex
	began   time.Time
	list    []Decision
	onFirst func()
}

// NewTrace returns an empty Trace; onFirst, if not nil, runs (in its own
// goroutine) when the first request arrives.
func NewTrace(onFirst func()) *Trace { return &Trace{onFirst: onFirst} }

// Wrap records next's answers.
func (t *Trace) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		if t.began.IsZero() {
			t.began = time.Now()
			if t.onFirst != nil {
				go t.onFirst()
			}
		}
		t.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		t.mu.Lock()
		defer t.mu.Unlock()
		t.list = append(t.list, Decision{At: time.Since(t.began), Status: rec.status})
	})
}

// Decisions returns every answer so far, in the order given.
func (t *Trace) Decisions() []Decision {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Decision(nil), t.list...)
}

// Settled is how long after from the client settled at limit: the first
// instant after which 3 s pass with no 429 and at least 90 % of limit
// admitted in every second of them. It is to − from when that never came.
func Settled(ds []Decision, from, to time.Duration, limit float64) time.Duration {
	const step = 250 * time.Millisecond
	count := func(from, to time.Duration, limited bool) int {
		n := 0
		for _, d := range ds {
			if d.At >= from && d.At < to && d.Limited() == limited {
				n++
			}
		}
		return n
	}
	for t := from; t+3*time.Second <= to; t += step {
		ok := count(t, t+3*time.Second, true) == 0
		for w := t; ok && w+time.Second <= t+3*time.Second; w += step {
			ok = float64(count(w, w+time.Second, false)) >= 0.9*limit
		}
		if ok {
			return t - from
		}
	}
	return to - from
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
