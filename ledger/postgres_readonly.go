package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// openPostgresReadOnly connects with every transaction read-only, so not
// even a bug could write, and neither creates nor migrates the schema.
func openPostgresReadOnly(ctx context.Context, url string, logger *slog.Logger) (*Store, error) {
	s, err := openPostgres(ctx, url, logger, true)
	if err != nil {
		return nil, err
	}
	if err := s.schemaCurrent(ctx); err != nil {
		s.Close()
		if errors.Is(err, ErrNoLedger) {
			return nil, fmt.Errorf("%w: no ledger tables in the database's schema", ErrNoLedger)
		}
		return nil, err
	}
	return s, nil
}
