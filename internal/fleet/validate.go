package fleet

import (
	"context"
	"log/slog"
	"os"

	"github.com/parchment-sync/parchment-sync/mapping"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Validation is what validate found: the counts, and the problems in
// lists that keep flat memory however many rows carry one.
type Validation struct {
	ValidationCounts
	errors, warnings problemList
}

type ValidationCounts struct {
	Rows    int `json:"rows"`
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	Skipped int `json:"skipped"`
}

type RowProblem struct {
	Line           int    `json:"line" csv:"line"`
	ExternalUserID string `json:"external_user_id" csv:"external_user_id"`
	Field          string `json:"field" csv:"field"`
	Message        string `json:"message" csv:"message"`
}

// Validate reads the roster of src, which flags and the environment
// describe, and writes every problem to errorsCSV when it is named. The
// validation it returns, even with an error, must be closed.
func (a *App) Validate(ctx context.Context, src Source, errorsCSV string, logger *slog.Logger) (Validation, error) {
	v, err := a.validate(ctx, src, errorsCSV, logger)
	if err != nil {
		// A staff database's error may echo its password.
		err = a.cleanErr(err)
	}
	return v, err
}

func (a *App) validate(ctx context.Context, src Source, errorsCSV string, logger *slog.Logger) (Validation, error) {
	a.Redactor.AddURL(src.DB)
	if err := src.check(); err != nil {
		return Validation{}, Fail(Usage, err)
	}
	a.wireHRIS(&src, nil)
	rows, err := src.open(ctx, a.Getenv, logger)
	defer closeRows(rows)
	if err != nil {
		return Validation{}, err
	}
	v, err := summarise(ctx, rows)
	if err != nil {
		return v, Fail(Usage, err)
	}
	if errorsCSV != "" {
		if err := writeProblemsCSV(errorsCSV, &v); err != nil {
			return v, Usagef("--errors-csv: %v", err)
		}
	}
	return v, nil
}

// summarise reads rows twice, in flat memory: once to find the values
// that repeat, then to gather every row's problems in line order.
func summarise(ctx context.Context, rows psync.Rows) (Validation, error) {
	var v Validation
	dups := mapping.NewDuplicates()
	if err := rows.Each(ctx, func(r *mapping.Row) error { dups.Add(r); return nil }); err != nil {
		return v, err
	}
	dups.Finish()
	err := rows.Each(ctx, func(r *mapping.Row) error {
		dups.Mark(r, v.Rows)
		v.Rows++
		return v.add(r)
	})
	return v, err
}

func (v *Validation) add(r *mapping.Row) error {
	switch {
	case r.Skipped:
		v.Skipped++
		return nil
	case r.Valid():
		v.Valid++
	default:
		v.Invalid++
	}
	for _, p := range r.Problems {
		rp := RowProblem{Line: p.Line, ExternalUserID: p.ExternalUserID, Field: p.Field, Message: p.Message}
		list := &v.warnings
		if p.Severity == mapping.SeverityError {
			list = &v.errors
		}
		if err := list.add(rp); err != nil {
			return err
		}
	}
	return nil
}

// EachError calls fn with every error, in line order.
func (v *Validation) EachError(fn func(RowProblem) error) error { return v.errors.each(fn) }

// EachWarning calls fn with every warning, in line order.
func (v *Validation) EachWarning(fn func(RowProblem) error) error { return v.warnings.each(fn) }

// Errors and Warnings count the problems of each kind.
func (v *Validation) Errors() int   { return v.errors.n }
func (v *Validation) Warnings() int { return v.warnings.n }

// Close removes the problems' temporary files.
func (v *Validation) Close() {
	v.errors.close()
	v.warnings.close()
}

func writeProblemsCSV(path string, v *Validation) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := encodeProblems(f, v); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
