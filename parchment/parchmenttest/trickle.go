package parchmenttest

import (
	"net/http"
	"time"
)

// Trickle is a hostile server's handler: it answers 200 with its headers at
// once, then one byte of body every tick, never finishing, until the
// client gives up. It tests that a stalled body counts as no answer.
func Trickle(tick time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	})
}
