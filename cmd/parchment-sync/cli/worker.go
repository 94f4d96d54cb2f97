package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
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
		if err := checkPushgateway(w.pushgateway); err != nil {
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
		return withCode(ExitUsage, err)
	}
	var login *uiLogin
	if w.ui != "" {
		var err error
		if login, err = uiLoginFor(w.ui, a.getenv); err != nil {
			return withCode(ExitUsage, err)
		}
		if login != nil {
			// A secret like any other: never echoed back.
			a.redactor.Add(login.password)
		}
	}
	logger, err := a.loggerTo(a.stderr, w.logLevel, w.logFormat)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	// Every organisation is checked as apply would before any job runs:
	// a bad entry stops the worker with exit 2, not each job in turn.
	jobs, err := a.jobs(psync.ModeApply, queueSyncFlags(w.configFile, nil))
	if err != nil {
		return err
	}
	ledgerURL, err := sharedLedger(jobs)
	if err != nil {
		return err
	}
	schedules, err := a.schedules(w.configFile)
	if err != nil {
		return err
	}
	db, err := a.openQueue(ctx, ledgerURL, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	worker, err := db.NewWorker(queue.WorkerConfig{
		Workers: w.workers, JobTimeout: w.jobTimeout, RescueAfter: w.rescueAfter,
		LockedSnooze: w.lockedSnooze, ShutdownGrace: w.shutdownGrace,
		Schedules: schedules,
		Run: func(ctx context.Context, name string) queue.Result {
			return a.syncOrganization(ctx, w, ledgerURL, name, logger)
		},
		Logger: logger, RiverLogger: a.riverLogger(w),
	})
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if w.ui != "" {
		stop, err := serveUI(ctx, w.ui, login, worker.Client(), logger)
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("--ui: %w", err))
		}
		defer stop()
	}
	logger.Info("worker ready", "organizations", len(jobs), "scheduled", len(schedules), "workers", w.workers,
		"job_timeout", w.jobTimeout, "rescue_after", w.rescueAfter)
	if err := worker.Run(ctx); err != nil {
		return withCode(ExitAborted, err)
	}
	return nil
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

// schedules are the organisations with a schedule, for River's periodic
// jobs; loadConfig has checked each.
func (a *app) schedules(configFile string) ([]queue.Schedule, error) {
	orgs, err := loadConfig(configFile, a.getenv)
	if err != nil {
		return nil, err
	}
	var out []queue.Schedule
	for _, o := range orgs {
		if _, ok := o.values["schedule"]; !ok {
			continue
		}
		s, err := queue.ParseSchedule(o.text("schedule"), o.text("timezone"))
		if err != nil {
			return nil, usageErr("%s: schedule of organisation %q %v", o.where("schedule"), o.name(), err)
		}
		out = append(out, queue.Schedule{Name: o.name(), Schedule: s})
	}
	return out, nil
}
