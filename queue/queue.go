// Package queue runs organisation syncs as River jobs in the ledger's
// PostgreSQL database, so that many workers on many machines share the
// work: each organisation's sync is one job, River's elected leader enqueues
// the scheduled ones, and a dead worker's jobs are rescued by the others.
//
// It knows nothing about how a sync is done: a worker calls the Runner it
// is given with the organisation's name and acts on the Verdict. Exactly one
// sync per organisation at a time is not River's doing but the ledger's run
// lock; River only decides who tries when.
package queue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

const (
	// Kind is the River job kind of an organisation's sync.
	Kind = "parchment_sync_org"
	// Name is the River queue the syncs go through, apart from any other
	// River user's jobs in the same schema.
	Name = "parchment_sync"
	// MaxAttempts is how many times a failing sync (exit 3: credentials
	// rejected, Parchment or the ledger unreachable) is tried before River
	// discards it. With River's backoff (attempt⁴ seconds) the retries come
	// about 1 s and 16 s after the failures.
	MaxAttempts = 3
)

// ErrUnreachable wraps every failure to connect to the queue's database.
var ErrUnreachable = errors.New("job queue unreachable")

// ErrSchema wraps a ledger schema River cannot work in.
var ErrSchema = errors.New("job queue: unsuitable schema")

// SyncArgs are a job's arguments: only the organisation's name in the
// config file. Everything else, secrets above all, stays in the config
// file and the worker's environment.
type SyncArgs struct {
	Name string `json:"name"`
}

// Kind is River's name for the job type.
func (SyncArgs) Kind() string { return Kind }

// InsertOpts make jobs unique per organisation while one is waiting or
// running, wherever it was enqueued from (enqueue, or a schedule). River
// requires available, pending, running and scheduled; retryable is added so
// that a failing sync is not doubled by a new enqueue. Finished jobs
// (completed, cancelled, discarded) do not block a new one.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       Name,
		MaxAttempts: MaxAttempts,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled,
			},
		},
	}
}

// DB is the queue's database: a pool on the ledger's PostgreSQL, and the
// schema River's tables share with the ledger's.
type DB struct {
	pool *pgxpool.Pool
	// schema is the ledger's, River's Schema setting.
	schema string
}

// connectTimeout bounds each connection attempt when the URL sets none.
const connectTimeout = 10 * time.Second

// minConns is the pool size used unless the URL sets pool_max_conns: River
// holds one connection for LISTEN and uses others to fetch, complete jobs
// and elect a leader, besides the syncs' own ledger connections.
const minConns = 8

// Open connects to the ledger's database at url (a postgres:// URL, whose
// search_path, if any, names the ledger's schema). Errors never quote url:
// it may hold a password.
func Open(ctx context.Context, url string) (*DB, error) {
	config, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("job queue: invalid database URL: expected postgres://user:password@host:port/database?param=value")
	}
	if config.ConnConfig.ConnectTimeout == 0 {
		config.ConnConfig.ConnectTimeout = connectTimeout
	}
	if _, ok := config.ConnConfig.RuntimeParams["application_name"]; !ok {
		config.ConnConfig.RuntimeParams["application_name"] = "parchment-sync queue"
	}
	if !strings.Contains(url, "pool_max_conns") && config.MaxConns < minConns {
		config.MaxConns = minConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		// pgx's errors name host, user and database, never the password.
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if schema == nil {
		pool.Close()
		return nil, errors.New("job queue: no schema of the ledger URL's search_path exists; create it, or fix search_path")
	}
	name, err := riverSchema(*schema)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{pool: pool, schema: name}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.pool.Close() }

// maxSchemaLength is the longest schema River works in: it names its
// notification channels schema.topic within PostgreSQL's 63 bytes, and its
// longest topic, river_leadership, has 16.
const maxSchemaLength = 63 - 1 - len("river_leadership")

var plainSchema = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// riverSchema checks the ledger's schema for River and returns its Schema
// setting. Naming the schema keeps River's notifications to this schema's
// clients.
func riverSchema(schema string) (string, error) {
	if len(schema) > maxSchemaLength {
		return "", fmt.Errorf("%w: the ledger's schema %q is longer than the %d characters River's notification channels allow; use a shorter search_path schema", ErrSchema, schema, maxSchemaLength)
	}
	if !plainSchema.MatchString(schema) {
		return "", fmt.Errorf("%w: the ledger's schema %q must be letters, digits and underscores for River", ErrSchema, schema)
	}
	return schema, nil
}

func (db *DB) driver() *riverpgxv5.Driver { return riverpgxv5.New(db.pool) }

// client is a River client that inserts and lists, but works nothing.
func (db *DB) client() (*river.Client[pgx.Tx], error) {
	return river.NewClient(db.driver(), &river.Config{Schema: db.schema, Logger: discard()})
}
