package sync_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// onCreates is a gateway that hands creates to create and everything
// else to next.
func onCreates(next http.Handler, create func(w http.ResponseWriter, r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/users") {
			next.ServeHTTP(w, r)
			return
		}
		create(w, r)
	})
}

// withoutCreateIDs lets creates through but answers their success
// without the user's id.
func withoutCreateIDs(next http.Handler) http.Handler {
	return onCreates(next, func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code != http.StatusCreated {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"success":true,"statusCode":201,"message":"User created","data":{},"requestId":"req_noid"}`))
	})
}

// A 2xx create without a user id is resolved by look-up, never by
// sending the create again: one POST per person across three runs.
func TestCreateAnsweredWithoutAnIDIsLookedUpNotResent(t *testing.T) {
	t.Parallel()
	f := setupBehind(t, parchmenttest.Config{}, withoutCreateIDs)
	people := rostertest.Staff(3)
	rows := rowsOf(t, people)
	first := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 3}, first.Counts)
	for range 2 {
		require.Equal(t, psync.Counts{Unchanged: 3}, f.apply(rows).Counts)
	}
	require.Equal(t, 3, f.server.Counters().Requests["create"], "one POST per person")
	f.requireOnePerPerson(rows)
}

// dropsFirstCreateAnswers makes every create while cutting the
// connection before its answer.
func dropsFirstCreateAnswers(next http.Handler) http.Handler {
	return onCreates(next, func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
}

// A create whose connection dropped after Parchment made the user is
// found by look-up in the same run and counted as the create it was.
func TestCreateWhoseAnswerWasLostIsFoundInTheSameRun(t *testing.T) {
	t.Parallel()
	f := setupBehind(t, parchmenttest.Config{}, dropsFirstCreateAnswers)
	people := rostertest.Staff(3)
	rows := rowsOf(t, people)
	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 3}, r.Counts)
	for _, c := range r.Changes {
		require.Contains(t, c.Note, "not sent again")
	}
	require.Equal(t, 3, f.server.Counters().Requests["create"], "never sent twice")
	require.Equal(t, psync.Counts{Unchanged: 3}, f.apply(rows).Counts)
	f.requireOnePerPerson(rows)
}

// A create whose provider part failed and whose answer was lost is found
// by look-up; Parchment returns no provider record, so the provider fields
// are sent, never recorded as held.
func TestLostAnswerOfAPartialCreateStillSendsTheProviderFields(t *testing.T) {
	t.Parallel()
	var once gosync.Once
	f := setupBehind(t, parchmenttest.Config{PartialProviderRate: 1}, func(next http.Handler) http.Handler {
		return onCreates(next, func(w http.ResponseWriter, r *http.Request) {
			lose := false
			once.Do(func() { lose = true })
			if !lose {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
		})
	})
	people := rostertest.Staff(1) // a provider
	r := f.apply(rowsOf(t, people))
	require.Equal(t, psync.Counts{Create: 1}, r.Counts)
	require.Equal(t, people[0].HPII, f.server.Snapshot(f.org)[0].HPIINumber)
	require.Equal(t, psync.Counts{Unchanged: 1}, f.apply(rowsOf(t, people)).Counts)
	require.Equal(t, 1, f.creates())
}
