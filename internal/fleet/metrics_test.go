package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func sampleOrgs() []orgMetrics {
	started := time.Date(2026, 3, 4, 2, 0, 0, 500_000_000, time.UTC)
	earlier := started.Add(-24 * time.Hour)
	return []orgMetrics{
		{
			Name: "north", Started: started, Duration: 1500 * time.Millisecond, Severity: RowsFailed, ExitCode: 1, LastSuccess: earlier,
			Report: &psync.Report{
				Counts:   psync.Counts{Create: 2, Update: 1, Unchanged: 9, Invalid: 1},
				Requests: map[string]int{"201": 2, "200": 3, "429": 1, "none": 1},
			},
		},
		// Locked: it never started, so no report, and last success stays.
		{Name: "south", Started: started, Duration: 20 * time.Millisecond, Severity: Locked, ExitCode: 75, LastSuccess: earlier},
		// Never succeeded.
		{Name: "west", Started: started, Severity: Held, ExitCode: 4, Report: &psync.Report{Requests: map[string]int{}}},
	}
}

// readMetrics parses a metrics file as node_exporter would, into
// "name{label=value,…}" → value.
func readMetrics(t *testing.T, text string) map[string]float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(text))
	require.NoError(t, err, text)
	out := map[string]float64{}
	for name, mf := range mfs {
		require.Equal(t, dto.MetricType_GAUGE, mf.GetType(), name)
		require.NotEmpty(t, mf.GetHelp(), name)
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			out[name+"{"+strings.Join(labels, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return out
}

func TestWriteMetricsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "parchment-sync.prom")
	orgs := sampleOrgs()
	require.NoError(t, writeMetricsFile(path, orgs))

	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	got := readMetrics(t, string(data))
	started := float64(orgs[0].Started.UnixNano()) / 1e9
	earlier := float64(orgs[0].LastSuccess.UnixNano()) / 1e9

	require.Equal(t, started, got["parchment_sync_last_run_timestamp_seconds{organization=north}"])
	require.Equal(t, 1.5, got["parchment_sync_last_run_duration_seconds{organization=north}"])
	require.Equal(t, 1.0, got["parchment_sync_last_run_exit_code{organization=north}"])
	// Exit 1 is a success: this run is the last one.
	require.Equal(t, started, got["parchment_sync_last_success_timestamp_seconds{organization=north}"])
	// Exit 75 is not: the earlier one stays.
	require.Equal(t, earlier, got["parchment_sync_last_success_timestamp_seconds{organization=south}"])
	require.Equal(t, 75.0, got["parchment_sync_last_run_exit_code{organization=south}"])
	// Never succeeded: zero, so time() minus it is huge and alerts fire.
	require.Zero(t, got["parchment_sync_last_success_timestamp_seconds{organization=west}"])
	require.Contains(t, got, "parchment_sync_last_success_timestamp_seconds{organization=west}")

	for _, org := range []string{"north", "south", "west"} {
		for _, action := range []string{"create", "adopt", "update", "enable", "disable", "unchanged", "manual", "orphaned", "invalid", "failed"} {
			require.Contains(t, got, "parchment_sync_last_run_changes{action="+action+",organization="+org+"}")
		}
	}
	require.Equal(t, 2.0, got["parchment_sync_last_run_changes{action=create,organization=north}"])
	require.Equal(t, 9.0, got["parchment_sync_last_run_changes{action=unchanged,organization=north}"])
	require.Equal(t, 1.0, got["parchment_sync_last_run_changes{action=invalid,organization=north}"])
	require.Zero(t, got["parchment_sync_last_run_changes{action=create,organization=south}"])

	require.Equal(t, 3.0, got["parchment_sync_last_run_requests{organization=north,status=200}"])
	require.Equal(t, 2.0, got["parchment_sync_last_run_requests{organization=north,status=201}"])
	require.Equal(t, 1.0, got["parchment_sync_last_run_requests{organization=north,status=429}"])
	require.Equal(t, 1.0, got["parchment_sync_last_run_requests{organization=north,status=none}"])
	require.Len(t, got, 3*4+3*10+4)

	// The next run replaces the file whole.
	require.NoError(t, writeMetricsFile(path, orgs[1:2]))
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	got = readMetrics(t, string(data))
	require.NotContains(t, string(data), "north")
	require.Len(t, got, 4+10)
}

func TestWriteMetricsFileErrorsNameTheFlag(t *testing.T) {
	t.Parallel()
	err := writeMetricsFile(filepath.Join(t.TempDir(), "gone", "p.prom"), sampleOrgs())
	require.ErrorContains(t, err, "--metrics-file: ")
}

func TestOrgMetricsOf(t *testing.T) {
	t.Parallel()
	started := time.Now()
	report := &psync.Report{}
	r := Result{Job: Job{OrgID: "org-1"}, Report: report, Err: Fail(Held, nil), Started: started, Elapsed: time.Second}
	last := started.Add(-time.Hour)
	a := &App{ExitCode: func(s Severity) int { return 40 + int(s) }}
	require.Equal(t, orgMetrics{Name: "org-1", Started: started, Duration: time.Second, Severity: Held, ExitCode: 40 + int(Held), LastSuccess: last, Report: report}, a.orgMetricsOf(r, last))
	r.Job.Name = "north"
	require.Equal(t, "north", a.orgMetricsOf(r, last).Name)
}

func TestRunSucceeded(t *testing.T) {
	t.Parallel()
	for s, want := range map[Severity]bool{OK: true, RowsFailed: true, Usage: false, Aborted: false, Held: false, Locked: false} {
		require.Equal(t, want, s.Finished(), s)
	}
}
