package fleet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Nothing configured, nothing published.
func TestMetricsPublishNothing(t *testing.T) {
	t.Parallel()
	require.NoError(t, Metrics{}.publish(context.Background(), []orgMetrics{{Name: "north"}}))
}

// A push that fails is reported, and the metrics file is written anyway.
func TestMetricsPublishBoth(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var pushed []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushed = append(pushed, r.URL.Path+"\n"+string(b))
		mu.Unlock()
		if strings.Contains(r.URL.Path, "south") {
			http.Error(w, "full", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "parchment-sync.prom")
	o := Metrics{File: path, Pushgateway: srv.URL}
	require.NoError(t, CheckMetricsFile(path))
	require.NoError(t, CheckPushgateway(srv.URL))

	// Cancelled (the run was interrupted): published all the same.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	orgs := []orgMetrics{{Name: "north", Started: time.Unix(1700000000, 0), Severity: Aborted, ExitCode: 3}, {Name: "south", Started: time.Unix(1700000000, 0)}}
	err := o.publish(ctx, orgs)
	require.ErrorContains(t, err, "--pushgateway: organization south: unexpected status code 500")
	require.NotContains(t, err.Error(), "north")
	mu.Lock()
	require.Len(t, pushed, 2)
	mu.Unlock()
	data, rerr := os.ReadFile(path)
	require.NoError(t, rerr)
	require.Contains(t, string(data), `parchment_sync_last_run_exit_code{organization="north"} 3`)
	require.Contains(t, string(data), `parchment_sync_last_run_exit_code{organization="south"} 0`)
}
