package parchmenttest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const (
	scaleUsers   = 100_000 // an onboarding's worth already in the organisation
	scaleCreates = 2_000   // timed at each size
)

// BenchmarkStandInAtScale times the stand-in's own work, in-process with no
// network, latency or limit: creates into an empty organisation and into
// one that holds 100,000 users, and paging through every user at each size.
// The ratios (at 100,000 ÷ empty) are what rehearsing a large onboarding
// depends on: near 1 means the stand-in keeps the client's pace.
func BenchmarkStandInAtScale(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s := parchmenttest.New(parchmenttest.Config{Token: static})
		emptyCreate := timeCreates(b, s, 0)
		emptyList := timeListing(b, s) // over the scaleCreates just made
		for i := scaleCreates; i < scaleUsers; i++ {
			u := parchmenttest.User{ExternalUserID: fmt.Sprintf("seed-%06d", i), Email: fmt.Sprintf("seed-%06d@example.com", i),
				GivenName: "Seed", FamilyName: "User", AccessRoles: []string{"receptionist"}}
			if _, err := s.SeedUser(org, u); err != nil {
				b.Fatal(err)
			}
		}
		fullCreate := timeCreates(b, s, scaleUsers)
		fullList := timeListing(b, s)
		b.ReportMetric(us(emptyCreate), "empty-us/create")
		b.ReportMetric(us(fullCreate), "at-100k-us/create")
		b.ReportMetric(fullCreate.Seconds()/emptyCreate.Seconds(), "create-ratio")
		b.ReportMetric(us(emptyList), "empty-us/listed")
		b.ReportMetric(us(fullList), "at-100k-us/listed")
		b.ReportMetric(fullList.Seconds()/emptyList.Seconds(), "list-ratio")
	}
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// timeCreates makes scaleCreates users with partner ids from first and
// answers the time per create; every create must be answered 201.
func timeCreates(b *testing.B, s *parchmenttest.Server, first int) time.Duration {
	b.Helper()
	bodies := make([][]byte, scaleCreates)
	for i := range bodies {
		id := fmt.Sprintf("new-%06d", first+i)
		raw, err := json.Marshal(staff(id, id+"@example.com"))
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = raw
	}
	began := time.Now()
	for _, raw := range bodies {
		if w := serve(s, http.MethodPost, usersPath(org), raw); w.Code != http.StatusCreated {
			b.Fatalf("create answered %d: %s", w.Code, w.Body)
		}
	}
	return time.Since(began) / scaleCreates
}

// timeListing pages through every user, 100 at a time, and answers the
// time per user listed; the pages must hold every user once.
func timeListing(b *testing.B, s *parchmenttest.Server) time.Duration {
	b.Helper()
	var (
		listed int
		key    string
	)
	began := time.Now()
	for {
		path := usersPath(org) + "?limit=100"
		if key != "" {
			path += "&lastKey=" + key
		}
		w := serve(s, http.MethodGet, path, nil)
		var page struct {
			Data struct {
				Users      []json.RawMessage `json:"users"`
				Pagination struct {
					Total   int    `json:"total"`
					LastKey string `json:"lastKey"`
				} `json:"pagination"`
			} `json:"data"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); w.Code != http.StatusOK || err != nil {
			b.Fatalf("list answered %d (%v): %s", w.Code, err, w.Body)
		}
		listed += len(page.Data.Users)
		if key = page.Data.Pagination.LastKey; key == "" {
			if listed != page.Data.Pagination.Total {
				b.Fatalf("listed %d users of %d", listed, page.Data.Pagination.Total)
			}
			return time.Since(began) / time.Duration(listed)
		}
	}
}

// serve answers one request in-process, with the stand-in's credentials.
func serve(s *parchmenttest.Server, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, parchmenttest.PathPrefix+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+static)
	req.Header.Set("x-organization-secret", parchmenttest.DefaultOrganizationSecret)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}
