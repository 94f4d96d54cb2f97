package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Defaults of WorkerConfig, as the worker command documents them.
const (
	// DefaultJobTimeout bounds one run of a job. A longer sync goes on in
	// slices of this length (see Result.Sent); it also bounds how long a
	// dead worker's job waits before it may be rescued.
	DefaultJobTimeout = time.Minute
	// DefaultRescueAfter is when a job still marked running is taken to be
	// a dead worker's and handed to another. It exceeds the job timeout by
	// the up to 30 s a run cut off by it takes to record its calls in
	// flight, plus margin, so a live run is rarely rescued; if one is, the
	// duplicate meets the ledger's run lock and is snoozed.
	DefaultRescueAfter = 2 * time.Minute
	// DefaultLockedSnooze is how long a job waits when another run holds
	// the organisation.
	DefaultLockedSnooze = time.Minute
	// DefaultShutdownGrace is how long running syncs may go on after a stop
	// signal before they are cut off and handed back.
	DefaultShutdownGrace = 30 * time.Second
	// DefaultWorkers is how many syncs one worker process runs at once.
	DefaultWorkers = 4
)

// WorkerConfig configures a Worker. Zero durations take their defaults.
type WorkerConfig struct {
	// Workers is the most syncs run at once by this process.
	Workers int
	// JobTimeout, RescueAfter, LockedSnooze and ShutdownGrace: see the
	// Default constants.
	JobTimeout, RescueAfter, LockedSnooze, ShutdownGrace time.Duration
	// Schedules are the organisations synced on a schedule; only the
	// elected leader among the workers enqueues them.
	Schedules []Schedule
	// Run does one organisation's sync.
	Run Runner
	// Logger receives the worker's lines; RiverLogger River's own (which
	// are chattier). Nil discards.
	Logger, RiverLogger *slog.Logger
}

// Schedule is one organisation's periodic sync.
type Schedule struct {
	Name     string
	Schedule river.PeriodicSchedule
}

// Worker works the queue: it is a River client with the sync worker and
// the periodic jobs registered.
type Worker struct {
	client *river.Client[pgx.Tx]
	grace  time.Duration
	logger *slog.Logger
}

// NewWorker builds a worker on db; Run starts it.
func (db *DB) NewWorker(cfg WorkerConfig) (*Worker, error) {
	cfg.JobTimeout = orDefault(cfg.JobTimeout, DefaultJobTimeout)
	cfg.RescueAfter = orDefault(cfg.RescueAfter, DefaultRescueAfter)
	cfg.LockedSnooze = orDefault(cfg.LockedSnooze, DefaultLockedSnooze)
	if cfg.Workers < 1 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.RescueAfter < cfg.JobTimeout {
		return nil, errors.New("--rescue-after must be at least --job-timeout: River rescues a job only once its timeout has run out")
	}
	if cfg.Run == nil {
		return nil, errors.New("job queue: a worker needs a Runner")
	}
	if cfg.Logger == nil {
		cfg.Logger = discard()
	}
	if cfg.RiverLogger == nil {
		cfg.RiverLogger = discard()
	}
	workers := river.NewWorkers()
	w := &syncWorker{run: cfg.Run, policy: policy{jobTimeout: cfg.JobTimeout, lockedSnooze: cfg.LockedSnooze}, logger: cfg.Logger}
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	periodic := make([]*river.PeriodicJob, 0, len(cfg.Schedules))
	for _, s := range cfg.Schedules {
		name := s.Name
		periodic = append(periodic, river.NewPeriodicJob(s.Schedule,
			func() (river.JobArgs, *river.InsertOpts) {
				// Only the elected leader's constructor is called.
				cfg.Logger.Info("scheduled sync due: enqueuing", "organization", name)
				return SyncArgs{Name: name}, nil
			},
			// The same ID on every worker: whichever is leader enqueues.
			&river.PeriodicJobOpts{ID: Kind + ":" + name}))
	}
	rc := &river.Config{
		Schema:               db.schema,
		Queues:               map[string]river.QueueConfig{Name: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		PeriodicJobs:         periodic,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          MaxAttempts,
		Logger:               cfg.RiverLogger,
		// Run's stop cuts running jobs off after the grace itself; see Run.
		SoftStopTimeout: cfg.ShutdownGrace,
	}
	client, err := river.NewClient(db.driver(), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Worker{client: client, grace: cfg.ShutdownGrace, logger: cfg.Logger}, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// ID is the worker's River client id (host name and start time), as job
// rows name it in attempted_by.
func (w *Worker) ID() string { return w.client.ID() }

// Client is the River client, for River's web UI.
func (w *Worker) Client() *river.Client[pgx.Tx] { return w.client }

// Run works jobs until ctx ends, then stops: no new job is taken, running
// syncs get the shutdown grace to finish, then their contexts are
// cancelled; a sync cut off records its calls in flight and its job is
// handed back (snoozed, no attempt spent) for another worker to carry on.
func (w *Worker) Run(ctx context.Context) error {
	// River's work must outlive ctx (the stop signal) until the grace is up.
	if err := w.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	w.logger.Info("worker started", "client_id", w.ID())
	select {
	case <-ctx.Done():
	case <-w.client.Stopped():
		return errors.New("job queue: the River client stopped by itself")
	}
	w.logger.Info("worker stopping: no new jobs; running syncs get the shutdown grace", "grace", w.grace)
	stopCtx := context.Background()
	var err error
	if w.grace > 0 {
		// SoftStopTimeout cancels the running jobs once the grace is up;
		// Stop then waits for them to record what they did.
		err = w.client.Stop(stopCtx)
	} else {
		err = w.client.StopAndCancel(stopCtx)
	}
	if err != nil {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	w.logger.Info("worker stopped")
	return nil
}

// syncWorker is River's worker for Kind.
type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	run    Runner
	policy policy
	logger *slog.Logger
}

func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	log := w.logger.With("organization", job.Args.Name, "job_id", job.ID, "attempt", job.Attempt)
	log.Info("job started")
	started := time.Now()
	r := w.run(ctx, job.Args.Name)
	if r.Output != nil {
		if err := river.RecordOutput(ctx, r.Output); err != nil {
			log.Warn("the run's summary was not recorded with the job", "error", err)
		}
	}
	err := w.policy.errorFor(ctx.Err(), r)
	attrs := []any{"duration", time.Since(started).Round(time.Millisecond)}
	var snooze *river.JobSnoozeError
	switch {
	case err == nil:
		log.Info("job done", attrs...)
	case errors.As(err, &snooze):
		log.Info("job snoozed", append(attrs, "for", snooze.Duration, "reason", reason(r))...)
	default:
		log.Warn("job not done", append(attrs, "error", err)...)
	}
	return err
}

func reason(r Result) string {
	if r.Err == nil {
		return ""
	}
	return r.Err.Error()
}
