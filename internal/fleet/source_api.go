package fleet

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/mapping"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// apiSource is an HR system staff are read from instead of a file. Each
// one has its flags (registered in sourceFlags.register), its config
// block (apiConfigBlocks) and a place in sourceFlags.apis, the list a new
// system joins.
type apiSource interface {
	// given says the flags or config chose this source.
	given() bool
	// label names the source in reports and the ledger; never a secret.
	label() string
	check() error
	// read writes every employee to spool, asking for fields.
	read(ctx context.Context, getenv env, logger *slog.Logger, fields []string, spool *hris.Spool) error
	// mayLack says which mapped fields no record need carry.
	mayLack(field string) bool
}

// apiConfigBlocks are the config file's per-organisation source blocks
// (keypay: {business_id: …}) and their keys; each key is kept as
// block.key, such as keypay.business_id.
func apiConfigBlocks() map[string][]string {
	return map[string][]string{
		"keypay": keypayConfigKeys(),
	}
}

// chosenAPI is the API source the flags chose, or nil.
func (s *Source) chosenAPI() apiSource {
	for _, api := range s.apis() {
		if api.given() {
			return api
		}
	}
	return nil
}

// spooledRows is an API source's one read of a run, on disk; Close
// removes the file.
type spooledRows struct {
	*mapping.TableRows
	spool *hris.Spool
}

func (r *spooledRows) Close() error { return r.spool.Remove() }

// openAPI reads the source once into a private spool that the engine's
// passes read. Rejected credentials abort the run; a source that cannot
// be read, or a mapping naming a field no record carries, is a usage
// error. Nothing has been sent either way.
func (s *Source) openAPI(ctx context.Context, api apiSource, m *mapping.Mapping, getenv env, logger *slog.Logger) (psync.Rows, error) {
	spool, err := hris.NewSpool(getenv("TMPDIR"), api.mayLack)
	if err != nil {
		return nil, Fail(Usage, err)
	}
	fail := func(s Severity, err error) (psync.Rows, error) {
		_ = spool.Remove()
		return nil, Fail(s, err)
	}
	err = api.read(ctx, getenv, logger, m.Columns(), spool)
	if err == nil {
		err = spool.Finish()
	}
	switch {
	case credentialsRefused(err):
		return fail(Aborted, err)
	case ctx.Err() != nil:
		return fail(Aborted, ctx.Err())
	case err != nil:
		return fail(Usage, fmt.Errorf("%s: %w", api.label(), err))
	}
	logger.Info("roster read", "source", api.label(), "rows", spool.Len())
	rows, err := mapping.NewTableRows(api.label(), m, spool.Open)
	if err != nil {
		return fail(Usage, err)
	}
	return &spooledRows{TableRows: rows, spool: spool}, nil
}

// closeRows ends a source's use: an API source's spool is removed.
func closeRows(rows psync.Rows) {
	if c, ok := rows.(interface{ Close() error }); ok {
		_ = c.Close()
	}
}
