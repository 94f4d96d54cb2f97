package keypay

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/hris/keypay/keypaytest"
)

// BenchmarkValidateCommand is BenchmarkRead measured through what users
// run: the built binary's validate reading 10,000 employees from the
// stand-in at 100 ms a page, pages in flight (--keypay-concurrency 8, the
// default) against one at a time. It reports the whole command's wall
// time: start-up, the read into the spool, mapping and validation.
func BenchmarkValidateCommand(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "parchment-sync")
	build := exec.Command("go", "build", "-o", bin, "github.com/parchment-sync/parchment-sync/cmd/parchment-sync")
	out, err := build.CombinedOutput()
	require.NoError(b, err, string(out))

	srv := slowStandIn(b)
	mappingFile := filepath.Join(b.TempDir(), "keypay.yaml")
	require.NoError(b, os.WriteFile(mappingFile, []byte("external_user_id: externalId\ngiven_name: firstName\nfamily_name: surname\nemail: emailAddress\naccess_roles: { column: jobTitle, default: receptionist, values: {} }\nend_date: { column: endDate, format: \"YYYY-MM-DDThh:mm:ss\" }\n"), 0o600))

	for _, conc := range []int{DefaultConcurrency, 1} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(bin, "validate", "--keypay-business", "4321", "--keypay-url", srv.URL,
					"--keypay-concurrency", fmt.Sprint(conc), "--mapping", mappingFile, "--output", "json")
				cmd.Env = append(os.Environ(), "KEYPAY_API_KEY="+keypaytest.DefaultAPIKey)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				began := time.Now()
				err := cmd.Run()
				took := time.Since(began)
				require.NoError(b, err, stderr.String())
				require.Contains(b, stdout.String(), `"valid": 10000`, stderr.String())
				b.ReportMetric(took.Seconds(), "s/read")
			}
		})
	}
}
