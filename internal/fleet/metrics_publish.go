package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// CheckMetricsFile finds, before the run, a metrics file that could not
// be written after it.
func CheckMetricsFile(path string) error {
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

// CheckPushgateway wants the gateway's base URL. Credentials in it would
// show in process listings; secrets come only from the environment.
func CheckPushgateway(raw string) error {
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

// wanted says whether the run's metrics go anywhere.
func (o Metrics) wanted() bool { return o.File != "" || o.Pushgateway != "" }

// publish writes --metrics-file, then pushes to --pushgateway, doing both
// whatever the other's fate. It runs after an interrupted run too (its
// severity is worth recording), so ctx's cancellation is ignored and the
// push is bounded by pushTimeout instead. The error is for the log only:
// the run happened, so a metrics failure never changes its severity, and
// an alert on stale parchment_sync_last_run_timestamp_seconds notices.
func (o Metrics) publish(ctx context.Context, orgs []orgMetrics) error {
	var errs []error
	if o.File != "" {
		errs = append(errs, writeMetricsFile(o.File, orgs))
	}
	if o.Pushgateway != "" {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pushTimeout)
		defer cancel()
		errs = append(errs, pushMetrics(ctx, o.Pushgateway, orgs, &http.Client{Timeout: pushTimeout}))
	}
	return errors.Join(errs...)
}
