package cli

import (
	"os"
	"path/filepath"
	"testing"

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
