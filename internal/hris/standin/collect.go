package standin

import (
	"context"
	"sync"
	"time"
)

// Collect runs a client's Read and returns every record it yields.
func Collect(ctx context.Context, read func(context.Context, func(map[string]string) error) error) ([]map[string]string, error) {
	var out []map[string]string
	err := read(ctx, func(r map[string]string) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// Sleeps is a retry's sleep that records each wait instead of waiting.
type Sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

// Sleep records d.
func (s *Sleeps) Sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

// Waits returns the waits recorded so far.
func (s *Sleeps) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}
