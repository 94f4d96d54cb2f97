package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Worker is how a queue worker runs: River's settings (see the README's
// "Many clinics" for how they trade takeover time against duplicate
// work), and where its metrics and UI go.
type Worker struct {
	ConfigFile    string
	Workers       int
	JobTimeout    time.Duration
	RescueAfter   time.Duration
	LockedSnooze  time.Duration
	ShutdownGrace time.Duration
	// UI is the address River's web UI is served at; "" serves none.
	UI          string
	Pushgateway string
	// RiverLogger is for River's own lines.
	RiverLogger *slog.Logger
}

// RunWorker works the config file's organisations as jobs of the queue
// in their shared ledger until ctx ends.
func (a *App) RunWorker(ctx context.Context, w Worker, logger *slog.Logger) error {
	var login *uiLogin
	if w.UI != "" {
		var err error
		if login, err = uiLoginFor(w.UI, a.Getenv); err != nil {
			return Fail(Usage, err)
		}
		if login != nil {
			// A secret like any other: never echoed back.
			a.Redactor.Add(login.password)
		}
	}
	// Every organisation is checked as apply would before any job runs:
	// a bad entry stops the worker as a usage error, not each job in turn.
	jobs, err := a.jobs(psync.ModeApply, queueRequest(w.ConfigFile, nil))
	if err != nil {
		return err
	}
	ledgerURL, err := sharedLedger(jobs)
	if err != nil {
		return err
	}
	schedules, err := a.schedules(w.ConfigFile)
	if err != nil {
		return err
	}
	db, err := a.OpenQueue(ctx, ledgerURL, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	worker, err := db.NewWorker(queue.WorkerConfig{
		Workers: w.Workers, JobTimeout: w.JobTimeout, RescueAfter: w.RescueAfter,
		LockedSnooze: w.LockedSnooze, ShutdownGrace: w.ShutdownGrace,
		Schedules: schedules,
		Run: func(ctx context.Context, name string) queue.Result {
			return a.syncOrganization(ctx, w, ledgerURL, name, logger)
		},
		Logger: logger, RiverLogger: w.RiverLogger,
	})
	if err != nil {
		return Fail(Usage, err)
	}
	if w.UI != "" {
		stop, err := serveUI(ctx, w.UI, login, worker.Client(), logger)
		if err != nil {
			return Fail(Usage, fmt.Errorf("--ui: %w", err))
		}
		defer stop()
	}
	logger.Info("worker ready", "organizations", len(jobs), "scheduled", len(schedules), "workers", w.Workers,
		"job_timeout", w.JobTimeout, "rescue_after", w.RescueAfter)
	if err := worker.Run(ctx); err != nil {
		return Fail(Aborted, err)
	}
	return nil
}

// schedules are the organisations with a schedule, for River's periodic
// jobs; LoadConfig has checked each.
func (a *App) schedules(configFile string) ([]queue.Schedule, error) {
	orgs, err := LoadConfig(configFile, a.Getenv)
	if err != nil {
		return nil, err
	}
	var out []queue.Schedule
	for _, o := range orgs {
		if _, ok := o.values["schedule"]; !ok {
			continue
		}
		s, err := queue.ParseSchedule(o.Text("schedule"), o.Text("timezone"))
		if err != nil {
			return nil, Usagef("%s: schedule of organisation %q %v", o.where("schedule"), o.name(), err)
		}
		out = append(out, queue.Schedule{Name: o.name(), Schedule: s})
	}
	return out, nil
}
