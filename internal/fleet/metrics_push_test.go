package fleet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

type pushed struct{ method, path, contentType, body string }

func pushgateway(t *testing.T, status func(path string) int) (*httptest.Server, func() []pushed) {
	t.Helper()
	var mu sync.Mutex
	var got []pushed
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, pushed{r.Method, r.URL.EscapedPath(), r.Header.Get("Content-Type"), string(b)})
		mu.Unlock()
		w.WriteHeader(status(r.URL.Path))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []pushed {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

func TestPushMetrics(t *testing.T) {
	t.Parallel()
	srv, got := pushgateway(t, func(string) int { return http.StatusOK })
	orgs := sampleOrgs()
	orgs[2].Name = "west/annex" // a slash goes base64, as the Pushgateway expects
	require.NoError(t, pushMetrics(context.Background(), srv.URL, orgs, srv.Client()))

	reqs := got()
	require.Len(t, reqs, 3)
	require.Equal(t, "/metrics/job/parchment_sync/organization/north", reqs[0].path)
	require.Equal(t, "/metrics/job/parchment_sync/organization/south", reqs[1].path)
	require.Equal(t, "/metrics/job/parchment_sync/organization@base64/d2VzdC9hbm5leA", reqs[2].path)
	for _, r := range reqs {
		// PUT replaces the organisation's whole group.
		require.Equal(t, http.MethodPut, r.method)
		require.True(t, strings.HasPrefix(r.contentType, "text/plain"), r.contentType)
		require.NotContains(t, r.body, "organization=", "the grouping key carries the organisation")
	}
	north := readMetrics(t, reqs[0].body)
	require.Equal(t, 1.0, north["parchment_sync_last_run_exit_code{}"])
	require.Equal(t, 1.5, north["parchment_sync_last_run_duration_seconds{}"])
	require.Equal(t, 2.0, north["parchment_sync_last_run_changes{action=create}"])
	require.Equal(t, 1.0, north["parchment_sync_last_run_requests{status=429}"])
	require.Len(t, north, 4+10+4)
	require.Equal(t, 75.0, readMetrics(t, reqs[1].body)["parchment_sync_last_run_exit_code{}"])
}

func TestPushMetricsFailureNamesTheOrganisation(t *testing.T) {
	t.Parallel()
	srv, got := pushgateway(t, func(path string) int {
		if strings.HasSuffix(path, "/north") {
			return http.StatusBadRequest
		}
		return http.StatusAccepted
	})
	err := pushMetrics(context.Background(), srv.URL, sampleOrgs(), srv.Client())
	require.ErrorContains(t, err, "--pushgateway: organization north: unexpected status code 400")
	require.NotContains(t, err.Error(), "south")
	require.Len(t, got(), 3, "the other organisations are still pushed")

	// Nothing listening.
	srv.Close()
	err = pushMetrics(context.Background(), srv.URL, sampleOrgs()[:1], srv.Client())
	require.ErrorContains(t, err, "--pushgateway: organization north: ")
}
