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
)

// sourceFlags say where the roster comes from and how its columns map.
type sourceFlags struct {
	csv         string
	mappingFile string
	db          string
	query       string
}

func (s *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.csv, "csv", "", "roster CSV file")
	fs.StringVar(&s.mappingFile, "mapping", "", "YAML file mapping the roster's columns to Parchment fields (default: canonical headers)")
	fs.StringVar(&s.db, "source-db", "", "PostgreSQL URL of a staff database to read instead of --csv")
	fs.StringVar(&s.query, "source-query", "", "SQL query selecting the staff rows (with --source-db)")
}

func (s *sourceFlags) check() error {
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
	if s.csv != "" {
		return s.csv
	}
	return "database"
}

// read loads every row; anything that makes the source unusable is a usage
// error (exit 2) and nothing is sent.
func (s *sourceFlags) read(ctx context.Context, logger *slog.Logger) ([]mapping.Row, error) {
	var m *mapping.Mapping
	if s.mappingFile != "" {
		var err error
		if m, err = mapping.LoadMapping(s.mappingFile); err != nil {
			return nil, withCode(ExitUsage, err)
		}
	}
	rows, err := s.readRows(ctx, m)
	if err == nil {
		logger.Info("roster read", "source", s.name(), "rows", len(rows))
	}
	return rows, err
}

func (s *sourceFlags) readRows(ctx context.Context, m *mapping.Mapping) ([]mapping.Row, error) {
	if s.db != "" {
		return s.readDB(ctx, m)
	}
	f, err := os.Open(s.csv)
	if err != nil {
		return nil, usageErr("roster: %v", err)
	}
	defer f.Close()
	r, err := mapping.OpenCSV(f, s.csv, m)
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	rows, err := mapping.ReadAll(r)
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	return rows, nil
}

func (s *sourceFlags) readDB(ctx context.Context, m *mapping.Mapping) ([]mapping.Row, error) {
	rows, err := pgsource.Read(ctx, s.db, s.query, m)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("staff database: %w", err))
	}
	return rows, nil
}
