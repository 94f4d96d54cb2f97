package keypay

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay/keypaytest"
)

// BenchmarkRead reads 10,000 employees from the stand-in at 100 ms a
// page: pages a window at a time, against one at a time.
func BenchmarkRead(b *testing.B) {
	srv := slowStandIn(b)
	for _, conc := range []int{DefaultConcurrency, 1} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			for b.Loop() {
				spool, err := hris.NewSpool(b.TempDir(), MayLack)
				require.NoError(b, err)
				err = Read(context.Background(), Config{BaseURL: srv.URL, BusinessID: "4321", APIKey: keypaytest.DefaultAPIKey, Concurrency: conc},
					[]string{"externalId", "firstName", "surname", "emailAddress", "endDate", "status"}, spool)
				require.NoError(b, err)
				require.Equal(b, 10_000, spool.Len())
				require.NoError(b, spool.Remove())
			}
		})
	}
}

// slowStandIn serves 10,000 employees, every answer delayed 100 ms, for
// the length of the benchmark.
func slowStandIn(b *testing.B) *httptest.Server {
	b.Helper()
	var csv strings.Builder
	csv.WriteString("external_user_id,given_name,family_name,email,access_roles\n")
	for i := range 10_000 {
		fmt.Fprintf(&csv, "E%05d,Given,Family%d,e%d@clinic.example,receptionist\n", i, i, i)
	}
	staff, err := keypaytest.SeedCSV(strings.NewReader(csv.String()))
	require.NoError(b, err)
	srv := httptest.NewServer(keypaytest.New(keypaytest.Config{Employees: staff, Latency: 100 * time.Millisecond}))
	b.Cleanup(srv.Close)
	return srv
}
