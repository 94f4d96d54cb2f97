package fleet

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// orgMetrics is one organisation's run as the metrics describe it.
type orgMetrics struct {
	// Name is the organization label: the config file's name, or the
	// organisation id for a run configured by flags.
	Name     string
	Started  time.Time
	Duration time.Duration
	// Severity is how the run ended; ExitCode is the command line's code
	// for it, which the metric reports.
	Severity Severity
	ExitCode int
	// LastSuccess is when the organisation's latest successful run before
	// this one started (zero if none is known); this run counts when it
	// succeeded, so the caller need not add it.
	LastSuccess time.Time
	// Report is nil when the run never started; its counts are then zero.
	Report *psync.Report
}

// orgMetricsOf describes one result of runJobs.
func (a *App) orgMetricsOf(r Result, lastSuccess time.Time) orgMetrics {
	return orgMetrics{
		Name: firstSet(r.Job.Name, r.Job.OrgID), Started: r.Started, Duration: r.Elapsed,
		Severity: r.Severity(), ExitCode: a.ExitCode(r.Severity()), LastSuccess: lastSuccess, Report: r.Report,
	}
}

// lastSuccess is the latest successful run, this one included. A run
// counts when it finished (OK, and RowsFailed: some rows invalid or
// failed, which the report lists row by row). A held, locked, aborted or
// misconfigured run synced nothing, and an alert on last_success going
// stale must see it.
func (o orgMetrics) lastSuccess() time.Time {
	if o.Severity.Finished() && o.Started.After(o.LastSuccess) {
		return o.Started
	}
	return o.LastSuccess
}

// counts are the report's counts by action, every action always, so a
// count that drops to zero reads zero rather than vanishing.
func (o orgMetrics) counts() []actionCount {
	var c psync.Counts
	if o.Report != nil {
		c = o.Report.Counts
	}
	return []actionCount{
		{"create", c.Create}, {"adopt", c.Adopt}, {"update", c.Update}, {"enable", c.Enable},
		{"disable", c.Disable}, {"unchanged", c.Unchanged}, {"manual", c.Manual},
		{"orphaned", c.Orphaned}, {"invalid", c.Invalid}, {"failed", c.Failed},
	}
}

type actionCount struct {
	action string
	n      int
}

// metricsRegistry holds the metrics of orgs in a registry of its own. The
// file labels each series with its organization; a push must not, as the
// Pushgateway's grouping key carries it.
func metricsRegistry(orgs []orgMetrics, orgLabel bool) *prometheus.Registry {
	var base []string
	if orgLabel {
		base = []string{"organization"}
	}
	gauge := func(name, help string, extra ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, append(base[:len(base):len(base)], extra...))
	}
	lastRun := gauge("parchment_sync_last_run_timestamp_seconds", "When the organisation's last run started, in seconds since the epoch.")
	lastSuccess := gauge("parchment_sync_last_success_timestamp_seconds", "When the organisation's last run with exit code 0 or 1 started, in seconds since the epoch; 0 if none is known.")
	duration := gauge("parchment_sync_last_run_duration_seconds", "How long the organisation's last run took.")
	exitCode := gauge("parchment_sync_last_run_exit_code", "The organisation's last run's exit code: 0 done, 1 rows invalid or failed, 2 usage or source, 3 aborted, 4 held by the mass-leaver guard, 75 locked.")
	changes := gauge("parchment_sync_last_run_changes", "Decisions of the organisation's last run, by action.", "action")
	requests := gauge("parchment_sync_last_run_requests", "HTTP attempts of the organisation's last run, by status (none: no answer).", "status")

	reg := prometheus.NewRegistry()
	reg.MustRegister(lastRun, lastSuccess, duration, exitCode, changes, requests)
	for _, o := range orgs {
		labels := func(extra ...string) []string {
			if orgLabel {
				return append([]string{o.Name}, extra...)
			}
			return extra
		}
		lastRun.WithLabelValues(labels()...).Set(unixSeconds(o.Started))
		lastSuccess.WithLabelValues(labels()...).Set(unixSeconds(o.lastSuccess()))
		duration.WithLabelValues(labels()...).Set(o.Duration.Seconds())
		exitCode.WithLabelValues(labels()...).Set(float64(o.ExitCode))
		for _, c := range o.counts() {
			changes.WithLabelValues(labels(c.action)...).Set(float64(c.n))
		}
		if o.Report != nil {
			for status, n := range o.Report.Requests {
				requests.WithLabelValues(labels(status)...).Set(float64(n))
			}
		}
	}
	return reg
}

func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

// writeMetricsFile writes every organisation's metrics to path in the
// Prometheus text format. node_exporter's textfile collector may read at
// any moment, so the file is written beside path under a name it ignores
// (not ending in .prom), synced, and renamed over path.
func writeMetricsFile(path string, orgs []orgMetrics) (err error) {
	mfs, err := metricsRegistry(orgs, true).Gather()
	if err != nil {
		return fmt.Errorf("--metrics-file: %w", err)
	}
	dir, base := filepath.Split(path)
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("--metrics-file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("--metrics-file: %w", err)
		}
	}()
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(tmp, mf); err != nil {
			return err
		}
	}
	// CreateTemp makes the file 0600; the collector may run as another user.
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
