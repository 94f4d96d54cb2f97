package fleet

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/queue"
)

// configLedger is the one PostgreSQL ledger of every organisation in the
// config file, resolved as apply does; the job queue lives there too.
func (a *App) configLedger(configFile string, orgs []Org) (string, error) {
	req := queueRequest(configFile, nil)
	jobs := make([]Job, 0, len(orgs))
	var errs []error
	for _, o := range orgs {
		j, err := a.configJob(req, o)
		errs = append(errs, err)
		jobs = append(jobs, j)
	}
	if err := errors.Join(errs...); err != nil {
		return "", Fail(Usage, err)
	}
	return sharedLedger(jobs)
}

// sharedLedger checks that every job uses one PostgreSQL ledger and
// returns it. Messages name where each was set, never the URL, which may
// hold a password.
func sharedLedger(jobs []Job) (string, error) {
	first := jobs[0]
	for _, j := range jobs {
		if !IsPostgresURL(j.LedgerURL) {
			return "", Usagef("%s: workers need a PostgreSQL ledger, which they all share, and this one is not PostgreSQL (%s); set the config file's ledger key (in defaults or the organisation) or %s to a postgres:// URL. A sqlite: ledger serves one machine: use apply --config there",
				j.Name, j.where("ledger"), EnvLedgerURL)
		}
		if j.LedgerURL != first.LedgerURL {
			return "", Usagef("organisations %s and %s use different ledgers (%s, %s): every organisation a worker serves must share one PostgreSQL ledger, where the job queue lives; run one set of workers per ledger, each with its own config file",
				first.Name, j.Name, first.where("ledger"), j.where("ledger"))
		}
	}
	return first.LedgerURL, nil
}

// IsPostgresURL reports whether u is a PostgreSQL URL, the only ledger
// the job queue lives in.
func IsPostgresURL(u string) bool {
	scheme, _, _ := strings.Cut(strings.ToLower(u), "://")
	return scheme == "postgres" || scheme == "postgresql"
}

// OpenQueue applies the ledger's migrations and River's, then opens the
// queue.
func (a *App) OpenQueue(ctx context.Context, ledgerURL string, logger *slog.Logger) (*queue.DB, error) {
	if _, err := ledger.Migrate(ctx, ledgerURL, logger); err != nil {
		return nil, LedgerErr(err)
	}
	db, err := queue.Open(ctx, ledgerURL)
	if err != nil {
		return nil, QueueErr(err)
	}
	if _, err := db.Migrate(ctx, logger); err != nil {
		db.Close()
		return nil, Fail(Aborted, err)
	}
	return db, nil
}

// QueueErr gives a failure to open the queue its severity.
func QueueErr(err error) error {
	if errors.Is(err, queue.ErrUnreachable) {
		return Fail(Aborted, err)
	}
	return Fail(Usage, err)
}

// keepaliveOptions make PostgreSQL notice within about a minute that a
// worker's machine is gone (powered off, cut from the network) rather than
// after the kernel's two hours, so the organisation's run lock, which lives
// as long as the session, is freed for the job's rescuer. A killed process
// needs none of this: its connections close at once.
const keepaliveOptions = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"

// withKeepalives adds keepaliveOptions to a PostgreSQL URL that sets no
// options of its own (nor PGOPTIONS).
func (a *App) withKeepalives(ledgerURL string) string {
	if a.Getenv("PGOPTIONS") != "" {
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
