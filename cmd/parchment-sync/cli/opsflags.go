package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"
)

// opsFlags say how a scheduled run is watched: the format of its logs and
// where its metrics go once it has run.
type opsFlags struct {
	logFormat   string
	metricsFile string
	pushgateway string
}

func (o *opsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.logFormat, "log-format", logFormatAuto, "stderr log format: auto (text on a terminal, JSON lines otherwise), text or json")
	fs.StringVar(&o.metricsFile, "metrics-file", "", "after the run, write Prometheus metrics to FILE (replaced atomically; node_exporter's textfile collector reads *.prom)")
	fs.StringVar(&o.pushgateway, "pushgateway", "", "after the run, push the same metrics to the Prometheus Pushgateway at URL (job parchment_sync, grouped by organization)")
}

// check finds what would only fail after the run, before it starts.
func (o *opsFlags) check() []error {
	var errs []error
	if err := checkLogFormat(o.logFormat); err != nil {
		errs = append(errs, err)
	}
	if o.metricsFile != "" {
		if err := checkMetricsFile(o.metricsFile); err != nil {
			errs = append(errs, err)
		}
	}
	if o.pushgateway != "" {
		if err := checkPushgateway(o.pushgateway); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func checkMetricsFile(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--metrics-file %s is a folder; name a file in it, such as %s", path, filepath.Join(path, "parchment-sync.prom"))
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return fmt.Errorf("--metrics-file %s: the folder %s does not exist", path, dir)
	}
	return nil
}

// checkPushgateway wants the gateway's base URL. Credentials in it would
// show in process listings; secrets come only from the environment.
func checkPushgateway(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil, u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return errors.New("--pushgateway must be an http:// or https:// URL, such as http://pushgateway:9091")
	case u.User != nil:
		return errors.New("--pushgateway must not carry a user or password")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("--pushgateway must not carry a query or fragment: %q", u.Redacted())
	}
	return nil
}

// pushTimeout bounds the push, so that a gateway that does not answer
// cannot hold a scheduled job past its slot.
const pushTimeout = 10 * time.Second

// publish writes --metrics-file, then pushes to --pushgateway, doing both
// whatever the other's fate. It runs after an interrupted run too (its
// exit code is worth recording), so ctx's cancellation is ignored and the
// push is bounded by pushTimeout instead. The error is for the log only:
// the run happened, so a metrics failure never changes its exit code, and
// an alert on stale parchment_sync_last_run_timestamp_seconds notices.
func (o *opsFlags) publish(ctx context.Context, orgs []orgMetrics) error {
	var errs []error
	if o.metricsFile != "" {
		errs = append(errs, writeMetricsFile(o.metricsFile, orgs))
	}
	if o.pushgateway != "" {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pushTimeout)
		defer cancel()
		errs = append(errs, pushMetrics(ctx, o.pushgateway, orgs, &http.Client{Timeout: pushTimeout}))
	}
	return errors.Join(errs...)
}
