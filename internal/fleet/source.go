package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/mapping/pgsource"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Source say where the roster comes from and how its columns map.
type Source struct {
	CSV     string
	Mapping string
	DB      string
	Query   string
	KeyPay  KeyPay
	Deputy  Deputy
	// employmentHero is read from a config file only.
	employmentHero employmentHeroSource
}

// apis lists the HR systems a roster can be read from; a new one is added
// here, to register and to apiConfigBlocks (or hrisConfigKeys, for a
// block with nested keys).
func (s *Source) apis() []apiSource {
	return []apiSource{&s.KeyPay, &s.Deputy, &s.employmentHero}
}

func (s *Source) check() error {
	if api := s.chosenAPI(); api != nil {
		given := 0
		for _, a := range s.apis() {
			if a.given() {
				given++
			}
		}
		if s.CSV != "" || s.DB != "" || given > 1 {
			return errors.New("read the roster from one source: --csv, --source-db or an HR system's flags")
		}
		return api.check()
	}
	switch {
	case s.DB == "" && s.Query != "":
		return errors.New("--source-query needs --source-db")
	case s.CSV == "" && s.DB == "":
		return errors.New("--csv or --source-db is required")
	case s.CSV != "" && s.DB != "":
		return errors.New("--csv and --source-db cannot be used together")
	case s.DB != "" && s.Query == "":
		return errors.New("--source-query is required with --source-db")
	}
	return nil
}

// name is how the source appears in reports and the ledger: never the
// database URL, which may hold a password.
func (s *Source) name() string {
	if api := s.chosenAPI(); api != nil {
		return api.label()
	}
	if s.CSV != "" {
		return s.CSV
	}
	return "database"
}

// open makes the roster ready to read: a CSV file is read afresh each
// time (in flat memory, whatever its size); a staff database's rows are
// read once, in one read-only transaction, and held; an HR system's
// records are read once into a spool file. Anything that makes the source
// unusable is a usage error, rejected credentials abort the run, and
// nothing is sent. closeRows must be called on the rows when done.
func (s *Source) open(ctx context.Context, getenv env, logger *slog.Logger) (psync.Rows, error) {
	var m *mapping.Mapping
	if s.Mapping != "" {
		var err error
		if m, err = mapping.LoadMapping(s.Mapping); err != nil {
			return nil, Fail(Usage, err)
		}
	}
	if api := s.chosenAPI(); api != nil {
		return s.openAPI(ctx, api, m, getenv, logger)
	}
	if s.DB != "" {
		rows, err := s.readDB(ctx, m)
		if err != nil {
			return nil, err
		}
		logger.Info("roster read", "source", s.name(), "rows", len(rows))
		return psync.RowSlice(rows), nil
	}
	if _, err := os.Stat(s.CSV); err != nil {
		return nil, Usagef("roster: %v", err)
	}
	f, err := mapping.OpenCSVFile(s.CSV, m)
	if err != nil {
		return nil, Fail(Usage, err)
	}
	return f, nil
}

func (s *Source) readDB(ctx context.Context, m *mapping.Mapping) ([]mapping.Row, error) {
	rows, err := pgsource.Read(ctx, s.DB, s.Query, m)
	if err != nil {
		return nil, Fail(Usage, fmt.Errorf("staff database: %w", err))
	}
	return rows, nil
}
