package cli

import (
	"github.com/parchment-sync/parchment-sync/internal/fleet"
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
		if err := fleet.CheckMetricsFile(o.metricsFile); err != nil {
			errs = append(errs, err)
		}
	}
	if o.pushgateway != "" {
		if err := fleet.CheckPushgateway(o.pushgateway); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
