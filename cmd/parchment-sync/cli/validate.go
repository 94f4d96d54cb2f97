package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/mapping"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

type validateFlags struct {
	source    sourceFlags
	output    string
	errorsCSV string
}

// validation is what validate found: the counts, and the problems in
// lists that keep flat memory however many rows carry one.
type validation struct {
	validationCounts
	errors, warnings problemList
}

type validationCounts struct {
	Rows    int `json:"rows"`
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	Skipped int `json:"skipped"`
}

// validationJSON is validate's JSON report. Operators' scripts parse it:
// its keys and their order are a contract. The lists are streamed in where
// the empty ones encode.
type validationJSON struct {
	validationCounts
	Errors   []rowProblem `json:"errors"`
	Warnings []rowProblem `json:"warnings"`
	// Error says why the roster could not be validated (exit 2); the
	// counts are then 0 and the lists empty.
	Error string `json:"error,omitempty"`
}

type rowProblem struct {
	Line           int    `json:"line" csv:"line"`
	ExternalUserID string `json:"external_user_id" csv:"external_user_id"`
	Field          string `json:"field" csv:"field"`
	Message        string `json:"message" csv:"message"`
}

// validateCommand checks a roster without a network or a ledger, so a
// practice can fix its export before anything is synced.
func (a *app) validateCommand() *cobra.Command {
	f := &validateFlags{}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check a roster against Parchment's rules; no network, no ledger",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.output != "text" && f.output != "json" {
				return usageErr("--output must be text or json, not %q", f.output)
			}
			a.redactor.AddURL(f.source.db)
			v, err := a.validate(cmd.Context(), f)
			defer v.close()
			if err != nil {
				// A staff database's error may echo its password.
				err = a.cleanErr(err)
				if f.output == "json" {
					// Scripts read stdout whatever the exit code.
					_ = writeValidationJSON(a.stdout, &validation{}, err.Error())
				}
				return err
			}
			if err := a.writeValidation(f.output, &v); err != nil {
				return err
			}
			if v.Invalid > 0 {
				return withCode(ExitFailures, nil)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	f.source.register(fs)
	fs.StringVar(&f.output, "output", "text", "report format: text or json")
	fs.StringVar(&f.errorsCSV, "errors-csv", "", "also write every error and warning to this CSV file, for the practice to fix")
	return cmd
}

// validate reads the roster and writes --errors-csv. The validation it
// returns, even with an error, must be closed.
func (a *app) validate(ctx context.Context, f *validateFlags) (validation, error) {
	if err := f.source.check(); err != nil {
		return validation{}, withCode(ExitUsage, err)
	}
	a.wireHRIS(&f.source, nil)
	logger, _ := a.logger("warn")
	rows, err := f.source.open(ctx, a.getenv, logger)
	defer closeRows(rows)
	if err != nil {
		return validation{}, err
	}
	v, err := summarise(ctx, rows)
	if err != nil {
		return v, withCode(ExitUsage, err)
	}
	if f.errorsCSV != "" {
		if err := writeProblemsCSV(f.errorsCSV, &v); err != nil {
			return v, usageErr("--errors-csv: %v", err)
		}
	}
	return v, nil
}

// summarise reads rows twice, in flat memory: once to find the values
// that repeat, then to gather every row's problems in line order.
func summarise(ctx context.Context, rows psync.Rows) (validation, error) {
	var v validation
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

func (v *validation) add(r *mapping.Row) error {
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
		rp := rowProblem{Line: p.Line, ExternalUserID: p.ExternalUserID, Field: p.Field, Message: p.Message}
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

func (v *validation) close() {
	v.errors.close()
	v.warnings.close()
}

func (a *app) writeValidation(format string, v *validation) error {
	if format == "json" {
		return writeValidationJSON(a.stdout, v, "")
	}
	bw := bufio.NewWriterSize(a.stdout, 64<<10)
	// One list in line order, as the practice will walk the spreadsheet.
	err := v.eachByLine(func(p problemLine) error {
		_, err := fmt.Fprintf(bw, "line %d %s [%s] %s: %s\n", p.Line, p.ExternalUserID, p.Field, p.Severity, p.Message)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "%d rows: %d valid, %d invalid, %d skipped; %d errors, %d warnings\n",
		v.Rows, v.Valid, v.Invalid, v.Skipped, v.errors.n, v.warnings.n)
	return bw.Flush()
}

// writeValidationJSON writes what json.Encoder with two-space indent would
// write of validationJSON, with the problems streamed from their lists:
// a million warnings cost the memory of a few thousand.
func writeValidationJSON(w io.Writer, v *validation, failure string) error {
	head, err := json.MarshalIndent(validationJSON{
		validationCounts: v.validationCounts, Errors: []rowProblem{}, Warnings: []rowProblem{}, Error: failure,
	}, "", "  ")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rest := head
	for _, l := range []struct {
		key  string
		list *problemList
	}{{"errors", &v.errors}, {"warnings", &v.warnings}} {
		empty := []byte(`"` + l.key + `": []`)
		before, after, ok := bytes.Cut(rest, empty)
		if !ok {
			return fmt.Errorf("validate: no %s in the encoded report", l.key)
		}
		_, _ = bw.Write(before)
		_, _ = bw.Write(empty[:len(empty)-len("[]")])
		if err := streamArray(bw, "  ", l.list.each); err != nil {
			return err
		}
		rest = after
	}
	_, _ = bw.Write(rest)
	_ = bw.WriteByte('\n')
	return bw.Flush()
}

func writeProblemsCSV(path string, v *validation) error {
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
