package cli

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

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
)

func openTemp(t *testing.T) (*os.File, error) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "plain")
	if err == nil {
		t.Cleanup(func() { f.Close() })
	}
	return f, err
}

func parseOps(t *testing.T, args ...string) *opsFlags {
	t.Helper()
	o := &opsFlags{}
	fs := pflag.NewFlagSet("apply", pflag.ContinueOnError)
	o.register(fs)
	require.NoError(t, fs.Parse(args))
	return o
}

func TestOpsFlagsDefaults(t *testing.T) {
	t.Parallel()
	o := parseOps(t)
	require.Equal(t, opsFlags{logFormat: "auto"}, *o)
	require.Empty(t, o.check())
	// Nothing configured, nothing published.
	require.NoError(t, o.publish(context.Background(), []orgMetrics{{Name: "north"}}))
}

func TestOpsFlagsCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--log-format", "yaml"}, `--log-format must be auto, text or json, not "yaml"`},
		{[]string{"--metrics-file", filepath.Join(dir, "missing", "p.prom")}, "the folder " + filepath.Join(dir, "missing") + " does not exist"},
		{[]string{"--metrics-file", dir}, "is a folder; name a file in it"},
		{[]string{"--pushgateway", "pushgateway:9091"}, "--pushgateway must be an http:// or https:// URL"},
		{[]string{"--pushgateway", "ftp://pushgateway"}, "--pushgateway must be an http:// or https:// URL"},
		{[]string{"--pushgateway", "http://"}, "--pushgateway must be an http:// or https:// URL"},
		{[]string{"--pushgateway", "https://ops:hunter2@pushgateway"}, "--pushgateway must not carry a user or password"},
		{[]string{"--pushgateway", "http://pushgateway:9091/?x=1"}, "--pushgateway must not carry a query"},
	} {
		errs := parseOps(t, tc.args...).check()
		require.Len(t, errs, 1, tc.args)
		require.Contains(t, errs[0].Error(), tc.want)
		require.NotContains(t, errs[0].Error(), "hunter2")
	}
	o := parseOps(t, "--log-format", "json", "--metrics-file", filepath.Join(dir, "p.prom"), "--pushgateway", "https://pgw.example/prefix")
	require.Empty(t, o.check())
	require.Len(t, parseOps(t, "--log-format", "x", "--pushgateway", "x").check(), 2)
}

// A push that fails is reported, and the metrics file is written anyway.
func TestOpsFlagsPublishBoth(t *testing.T) {
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
	o := parseOps(t, "--metrics-file", path, "--pushgateway", srv.URL)
	require.Empty(t, o.check())

	// Cancelled (the run was interrupted): published all the same.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	orgs := []orgMetrics{{Name: "north", Started: time.Unix(1700000000, 0), ExitCode: ExitAborted}, {Name: "south", Started: time.Unix(1700000000, 0)}}
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
