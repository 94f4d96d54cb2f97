package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/queue"
)

// workerFlags are worker's. The durations are River's settings; see the
// README's "Many clinics" for how they trade takeover time against
// duplicate work.
type workerFlags struct {
	configFile    string
	workers       int
	jobTimeout    time.Duration
	rescueAfter   time.Duration
	lockedSnooze  time.Duration
	shutdownGrace time.Duration
	ui            string
	pushgateway   string
	logLevel      string
	logFormat     string
}

func (a *app) workerCommand() *cobra.Command {
	w := &workerFlags{}
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Sync organisations as jobs from the queue in the ledger's PostgreSQL, alongside other workers",
		Long: `worker runs the config file's organisations as River jobs in the ledger's PostgreSQL
database. Start as many as you like, on as many machines: each job is worked by one of them,
the elected leader enqueues the organisations that have a schedule, and a dead worker's jobs
are taken over by the others after --rescue-after. Enqueue jobs by hand with enqueue; list
them with jobs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runWorker(cmd.Context(), w) },
	}
	fs := cmd.Flags()
	fs.StringVar(&w.configFile, "config", "", "YAML file listing organisations (required; see README); every organisation must use one PostgreSQL ledger")
	fs.IntVar(&w.workers, "workers", queue.DefaultWorkers, "most organisations this process syncs at once")
	fs.DurationVar(&w.jobTimeout, "job-timeout", queue.DefaultJobTimeout, "longest run of one job; a longer sync stops, records what it sent and goes on in a new run")
	fs.DurationVar(&w.rescueAfter, "rescue-after", queue.DefaultRescueAfter, "a job still running after this long is taken to be a dead worker's and handed to another (at least --job-timeout; River checks every 30 s)")
	fs.DurationVar(&w.lockedSnooze, "locked-snooze", queue.DefaultLockedSnooze, "how long a job waits when another run (a manual apply) holds its organisation")
	fs.DurationVar(&w.shutdownGrace, "shutdown-grace", queue.DefaultShutdownGrace, "on SIGTERM, how long running syncs may finish before they are stopped and their jobs handed back")
	fs.StringVar(&w.ui, "ui", "", "also serve River's web UI at ADDR (host:port); on an address other than loopback it asks for the login in PARCHMENT_UI_USERNAME and PARCHMENT_UI_PASSWORD")
	fs.StringVar(&w.pushgateway, "pushgateway", "", "after each sync, push its organisation's metrics to the Prometheus Pushgateway at URL (job parchment_sync, grouped by organization)")
	fs.StringVar(&w.logLevel, "log-level", "info", "stderr log level: debug, info, warn or error")
	fs.StringVar(&w.logFormat, "log-format", logFormatAuto, "stderr log format: auto (text on a terminal, JSON lines otherwise), text or json")
	return cmd
}

func (w *workerFlags) check() error {
	var errs []error
	if w.configFile == "" {
		errs = append(errs, errors.New("--config is required: the file listing the organisations to sync"))
	}
	if w.workers < 1 {
		errs = append(errs, errors.New("--workers must be at least 1"))
	}
	if w.jobTimeout <= 0 {
		errs = append(errs, errors.New("--job-timeout must be above 0"))
	}
	if w.rescueAfter < w.jobTimeout {
		errs = append(errs, errors.New("--rescue-after must be at least --job-timeout: River rescues a job only once its timeout has run out"))
	}
	if w.lockedSnooze <= 0 {
		errs = append(errs, errors.New("--locked-snooze must be above 0"))
	}
	if w.shutdownGrace < 0 {
		errs = append(errs, errors.New("--shutdown-grace must not be negative"))
	}
	if w.ui != "" {
		if _, _, err := net.SplitHostPort(w.ui); err != nil {
			errs = append(errs, fmt.Errorf("--ui must be host:port, such as 127.0.0.1:8081, not %q", w.ui))
		}
	}
	if w.pushgateway != "" {
		if err := fleet.CheckPushgateway(w.pushgateway); err != nil {
			errs = append(errs, err)
		}
	}
	if err := checkLogFormat(w.logFormat); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (a *app) runWorker(ctx context.Context, w *workerFlags) error {
	if err := w.check(); err != nil {
		return withCode(fleet.Usage, err)
	}
	logger, err := a.loggerTo(a.stderr, w.logLevel, w.logFormat)
	if err != nil {
		return withCode(fleet.Usage, err)
	}
	return a.fleet.RunWorker(ctx, fleet.Worker{
		ConfigFile: w.configFile, Workers: w.workers, JobTimeout: w.jobTimeout, RescueAfter: w.rescueAfter,
		LockedSnooze: w.lockedSnooze, ShutdownGrace: w.shutdownGrace, UI: w.ui, Pushgateway: w.pushgateway,
		RiverLogger: a.riverLogger(w),
	}, logger)
}

// riverLogger is for River's own lines: warnings and errors only, unless
// --log-level debug asks for everything.
func (a *app) riverLogger(w *workerFlags) *slog.Logger {
	level := "warn"
	if w.logLevel == "debug" {
		level = "debug"
	}
	logger, err := a.loggerTo(a.stderr, level, w.logFormat)
	if err != nil {
		return nil
	}
	return logger.With("component", "river")
}
