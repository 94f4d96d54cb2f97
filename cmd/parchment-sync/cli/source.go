package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/mapping/pgsource"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// sourceFlags say where the roster comes from and how its columns map.
type sourceFlags struct {
	csv         string
	mappingFile string
	db          string
	query       string
	keypay      keypayFlags
	deputy      deputySource
	// employmentHero is read from a config file only.
	employmentHero employmentHeroSource
}

// apis lists the HR systems a roster can be read from; a new one is added
// here, to register and to apiConfigBlocks (or hrisConfigKeys, for a
// block with nested keys).
func (s *sourceFlags) apis() []apiSource {
	return []apiSource{&s.keypay, &s.deputy, &s.employmentHero}
}

func (s *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.csv, "csv", "", "roster CSV file")
	fs.StringVar(&s.mappingFile, "mapping", "", "YAML file mapping the roster's columns to Parchment fields (default: canonical headers)")
	fs.StringVar(&s.db, "source-db", "", "PostgreSQL URL of a staff database to read instead of --csv")
	fs.StringVar(&s.query, "source-query", "", "SQL query selecting the staff rows (with --source-db)")
	s.keypay.register(fs)
	s.deputy.register(fs)
}

func (s *sourceFlags) check() error {
	if api := s.chosenAPI(); api != nil {
		given := 0
		for _, a := range s.apis() {
			if a.given() {
				given++
			}
		}
		if s.csv != "" || s.db != "" || given > 1 {
			return errors.New("read the roster from one source: --csv, --source-db or an HR system's flags")
		}
		return api.check()
	}
	switch {
	case s.db == "" && s.query != "":
		return errors.New("--source-query needs --source-db")
	case s.csv == "" && s.db == "":
		return errors.New("--csv or --source-db is required")
	case s.csv != "" && s.db != "":
		return errors.New("--csv and --source-db cannot be used together")
	case s.db != "" && s.query == "":
		return errors.New("--source-query is required with --source-db")
	}
	return nil
}

// name is how the source appears in reports and the ledger: never the
// database URL, which may hold a password.
func (s *sourceFlags) name() string {
	if api := s.chosenAPI(); api != nil {
		return api.label()
	}
	if s.csv != "" {
		return s.csv
	}
	return "database"
}

// open makes the roster ready to read: a CSV file is read afresh each
// time (in flat memory, whatever its size); a staff database's rows are
// read once, in one read-only transaction, and held; an HR system's
// records are read once into a spool file. Anything that makes the source
// unusable is a usage error (exit 2), rejected credentials exit 3, and
// nothing is sent. closeRows must be called on the rows when done.
func (s *sourceFlags) open(ctx context.Context, getenv env, logger *slog.Logger) (psync.Rows, error) {
	var m *mapping.Mapping
	if s.mappingFile != "" {
		var err error
		if m, err = mapping.LoadMapping(s.mappingFile); err != nil {
			return nil, withCode(ExitUsage, err)
		}
	}
	if api := s.chosenAPI(); api != nil {
		return s.openAPI(ctx, api, m, getenv, logger)
	}
	if s.db != "" {
		rows, err := s.readDB(ctx, m)
		if err != nil {
			return nil, err
		}
		logger.Info("roster read", "source", s.name(), "rows", len(rows))
		return psync.RowSlice(rows), nil
	}
	if _, err := os.Stat(s.csv); err != nil {
		return nil, usageErr("roster: %v", err)
	}
	f, err := mapping.OpenCSVFile(s.csv, m)
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	return f, nil
}

func (s *sourceFlags) readDB(ctx context.Context, m *mapping.Mapping) ([]mapping.Row, error) {
	rows, err := pgsource.Read(ctx, s.db, s.query, m)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("staff database: %w", err))
	}
	return rows, nil
}
