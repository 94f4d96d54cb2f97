package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Enqueued is one organisation's job after Enqueue.
type Enqueued struct {
	Name string `json:"name"`
	ID   int64  `json:"job_id"`
	// Duplicate is true when a job for the organisation was already
	// waiting or running: no second one was inserted, and ID is that job's.
	Duplicate bool   `json:"duplicate"`
	State     string `json:"state"`
}

// Enqueue inserts a sync job for each organisation now; one already
// waiting or running is left alone (see SyncArgs.InsertOpts).
func (db *DB) Enqueue(ctx context.Context, names []string) ([]Enqueued, error) {
	client, err := db.client()
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	out := make([]Enqueued, 0, len(names))
	for _, n := range names {
		res, err := client.Insert(ctx, SyncArgs{Name: n}, nil)
		if err != nil {
			return out, fmt.Errorf("job queue: enqueue %s: %w", n, err)
		}
		out = append(out, Enqueued{Name: n, ID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate, State: string(res.Job.State)})
	}
	return out, nil
}

// Job is one sync job as the jobs command lists it.
type Job struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	State       string     `json:"state"`
	Attempt     int        `json:"attempt"`
	MaxAttempts int        `json:"max_attempts"`
	Worker      string     `json:"worker"`
	CreatedAt   time.Time  `json:"created_at"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	AttemptedAt *time.Time `json:"attempted_at"`
	FinalizedAt *time.Time `json:"finalized_at"`
	LastError   string     `json:"last_error"`
	// Errors counts every attempt's error, rescues included.
	Errors int `json:"errors"`
	// Rescues counts the times River took the job from a worker presumed
	// dead; Snoozes the times it waited for another run, or was handed back.
	Rescues int `json:"rescues"`
	Snoozes int `json:"snoozes"`
	// Scheduled is true for a job the leader enqueued from a schedule.
	Scheduled bool `json:"scheduled"`
	// Output is what the last run recorded (run id, outcome, exit code,
	// counts), or null.
	Output json.RawMessage `json:"output"`
}

// Jobs lists the newest limit sync jobs, of the organisations in names
// (all when empty), grouped by organisation in name order, newest first.
func (db *DB) Jobs(ctx context.Context, names []string, limit int) ([]Job, error) {
	client, err := db.client()
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	params := river.NewJobListParams().Kinds(Kind).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit)
	if len(names) > 0 {
		params = params.Where("args->>'name' = any(@names::text[])", river.NamedArgs{"names": names})
	}
	res, err := client.JobList(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("job queue: list jobs: %w", err)
	}
	out := make([]Job, 0, len(res.Jobs))
	for _, row := range res.Jobs {
		out = append(out, jobOf(row))
	}
	slices.SortStableFunc(out, func(a, b Job) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func jobOf(row *rivertype.JobRow) Job {
	var args SyncArgs
	_ = json.Unmarshal(row.EncodedArgs, &args)
	var meta struct {
		Rescues  int  `json:"river:rescue_count"`
		Snoozes  int  `json:"snoozes"`
		Periodic bool `json:"periodic"`
	}
	_ = json.Unmarshal(row.Metadata, &meta)
	j := Job{
		ID: row.ID, Name: args.Name, State: string(row.State), Attempt: row.Attempt, MaxAttempts: row.MaxAttempts,
		CreatedAt: row.CreatedAt, ScheduledAt: row.ScheduledAt, AttemptedAt: row.AttemptedAt, FinalizedAt: row.FinalizedAt,
		Errors: len(row.Errors), Rescues: meta.Rescues, Snoozes: meta.Snoozes, Scheduled: meta.Periodic, Output: row.Output(),
	}
	if len(row.AttemptedBy) > 0 {
		j.Worker = row.AttemptedBy[len(row.AttemptedBy)-1]
	}
	if len(row.Errors) > 0 {
		j.LastError = row.Errors[len(row.Errors)-1].Error
	}
	return j
}
