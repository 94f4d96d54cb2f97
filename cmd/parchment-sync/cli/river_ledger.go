package cli

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/queue"
)

// queueSyncFlags are the flags of `apply --config FILE --org NAME…` with
// nothing else given: a job of the queue runs exactly that apply.
func queueSyncFlags(configFile string, names []string) *syncFlags {
	f := &syncFlags{}
	f.register(&cobra.Command{})
	f.fleet.configFile, f.fleet.orgs = configFile, names
	// A run that never starts still gets a report (outcome not_started)
	// for the job's summary.
	f.output = "json"
	return f
}

// configLedger is the one PostgreSQL ledger of every organisation in the
// config file, resolved as apply does; the job queue lives there too.
func (a *app) configLedger(configFile string, orgs []orgConfig) (string, error) {
	f := queueSyncFlags(configFile, nil)
	jobs := make([]job, 0, len(orgs))
	var errs []error
	for _, o := range orgs {
		j, err := a.configJob(f, o)
		errs = append(errs, err)
		jobs = append(jobs, j)
	}
	if err := errors.Join(errs...); err != nil {
		return "", withCode(ExitUsage, err)
	}
	return sharedLedger(jobs)
}

// sharedLedger checks that every job uses one PostgreSQL ledger and
// returns it. Messages name where each was set, never the URL, which may
// hold a password.
func sharedLedger(jobs []job) (string, error) {
	first := jobs[0]
	for _, j := range jobs {
		if !isPostgresURL(j.ledgerURL) {
			return "", usageErr("%s: workers need a PostgreSQL ledger, which they all share, and this one is not PostgreSQL (%s); set the config file's ledger key (in defaults or the organisation) or %s to a postgres:// URL. A sqlite: ledger serves one machine: use apply --config there",
				j.name, j.where("ledger"), envLedgerURL)
		}
		if j.ledgerURL != first.ledgerURL {
			return "", usageErr("organisations %s and %s use different ledgers (%s, %s): every organisation a worker serves must share one PostgreSQL ledger, where the job queue lives; run one set of workers per ledger, each with its own config file",
				first.name, j.name, first.where("ledger"), j.where("ledger"))
		}
	}
	return first.ledgerURL, nil
}

func isPostgresURL(u string) bool {
	scheme, _, _ := strings.Cut(strings.ToLower(u), "://")
	return scheme == "postgres" || scheme == "postgresql"
}

// openQueue applies the ledger's migrations and River's, then opens the
// queue.
// openQueueQuietly is openQueue for the short commands (enqueue, jobs),
// which log only warnings.
func (a *app) openQueueQuietly(ctx context.Context, ledgerURL string) (*queue.DB, error) {
	logger, err := a.logger("warn")
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	return a.openQueue(ctx, ledgerURL, logger)
}

func (a *app) openQueue(ctx context.Context, ledgerURL string, logger *slog.Logger) (*queue.DB, error) {
	if _, err := ledger.Migrate(ctx, ledgerURL, logger); err != nil {
		return nil, ledgerErr(err)
	}
	db, err := queue.Open(ctx, ledgerURL)
	if err != nil {
		return nil, queueErr(err)
	}
	if _, err := db.Migrate(ctx, logger); err != nil {
		db.Close()
		return nil, withCode(ExitAborted, err)
	}
	return db, nil
}

func queueErr(err error) error {
	if errors.Is(err, queue.ErrUnreachable) {
		return withCode(ExitAborted, err)
	}
	return withCode(ExitUsage, err)
}

// keepaliveOptions make PostgreSQL notice within about a minute that a
// worker's machine is gone (powered off, cut from the network) rather than
// after the kernel's two hours, so the organisation's run lock, which lives
// as long as the session, is freed for the job's rescuer. A killed process
// needs none of this: its connections close at once.
const keepaliveOptions = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"

// withKeepalives adds keepaliveOptions to a PostgreSQL URL that sets no
// options of its own (nor PGOPTIONS).
func (a *app) withKeepalives(ledgerURL string) string {
	if a.getenv("PGOPTIONS") != "" {
		return ledgerURL
	}
	u, err := url.Parse(ledgerURL)
	if err != nil {
		return ledgerURL
	}
	q := u.Query()
	if q.Has("options") {
		return ledgerURL
	}
	q.Set("options", keepaliveOptions)
	// pgx reads %20, not +, as a space.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

// ledgerFlagsCheck refuses --ledger with --config, as apply does.
func ledgerFlagsCheck(configFile, ledgerFlag string) error {
	if configFile != "" && ledgerFlag != "" {
		return usageErr("--ledger cannot be combined with --config: the config file names the ledger")
	}
	return nil
}
