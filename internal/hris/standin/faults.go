package standin

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// Faults makes the next API requests fail: 429s with a Retry-After, or
// 5xx, as a busy server does.
type Faults struct {
	mu     sync.Mutex
	queued []fault
}

type fault struct {
	status     int
	retryAfter string
}

// Fail queues n answers of status; retryAfter ("" for none) is sent with
// each.
func (f *Faults) Fail(n, status int, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.queued = append(f.queued, fault{status, retryAfter})
	}
}

// Take writes the next queued failure, if any, and reports whether it did.
func (f *Faults) Take(w http.ResponseWriter) bool {
	f.mu.Lock()
	if len(f.queued) == 0 {
		f.mu.Unlock()
		return false
	}
	x := f.queued[0]
	f.queued = f.queued[1:]
	f.mu.Unlock()
	if x.retryAfter != "" {
		w.Header().Set("Retry-After", x.retryAfter)
	}
	http.Error(w, http.StatusText(x.status), x.status)
	return true
}

// Bearer returns the token of an Authorization header using one of
// schemes (case-insensitive), or "".
func Bearer(r *http.Request, schemes ...string) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok {
		return ""
	}
	for _, s := range schemes {
		if strings.EqualFold(scheme, s) {
			return strings.TrimSpace(token)
		}
	}
	return ""
}

// WriteJSON writes v as a JSON answer with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
