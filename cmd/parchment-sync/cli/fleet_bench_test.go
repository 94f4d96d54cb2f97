package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// BenchmarkManyOrganisations applies a config file of 20 organisations,
// 50 creates each, against a stand-in allowing each 10 requests/s with 50
// ms answers: the aggregate limit is 200 requests/s. It reports the share
// of that limit reached (of-limit) and the 429s. The ledger is SQLite, so
// no database server is needed.
func BenchmarkManyOrganisations(b *testing.B) {
	const orgs, perOrg, rate = 20, 50, 10.0
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		srv := parchmenttest.Start(b, parchmenttest.Config{Token: "bench-token", Rate: rate, Latency: 50 * time.Millisecond})
		var cfg strings.Builder
		fmt.Fprintf(&cfg, "defaults:\n  api_url: %s\n  ledger: sqlite:ledger.db\n  rate: %g\n  concurrency: 4\norganizations:\n", srv.URL, rate)
		for i := range orgs {
			people := rostertest.Staff(perOrg)
			for j := range people {
				people[j].Roles = "receptionist"
			}
			name := fmt.Sprintf("clinic-%02d", i)
			if err := os.WriteFile(filepath.Join(dir, name+".csv"), []byte(rostertest.CSV(people)), 0o600); err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(&cfg, "  - name: %s\n    organization_id: %s\n    csv: %s.csv\n", name, name, name)
		}
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		vars := map[string]string{fleet.EnvToken: "bench-token", fleet.EnvOrganizationSecret: parchmenttest.DefaultOrganizationSecret}
		var out, errOut strings.Builder
		b.StartTimer()
		began := time.Now()
		code := run(b.Context(), []string{"apply", "--config", path, "--parallel", fmt.Sprint(orgs), "--log-level", "error"},
			func(k string) string { return vars[k] }, strings.NewReader(""), &out, &errOut)
		elapsed := time.Since(began)
		b.StopTimer()
		if code != ExitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
		c := srv.Counters()
		b.ReportMetric(float64(c.Creates)/elapsed.Seconds()/(orgs*rate), "of-limit")
		b.ReportMetric(100*float64(c.RateLimited)/float64(c.Requests["create"]), "429-pct")
	}
}
