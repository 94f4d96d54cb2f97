package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/mapping"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

type validateFlags struct {
	source    sourceFlags
	output    string
	errorsCSV string
}

// validation is validate's JSON report.
type validation struct {
	Rows     int          `json:"rows"`
	Valid    int          `json:"valid"`
	Invalid  int          `json:"invalid"`
	Skipped  int          `json:"skipped"`
	Errors   []rowProblem `json:"errors"`
	Warnings []rowProblem `json:"warnings"`
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
			if err := f.source.check(); err != nil {
				return withCode(ExitUsage, err)
			}
			if f.output != "text" && f.output != "json" {
				return usageErr("--output must be text or json, not %q", f.output)
			}
			logger, _ := a.logger("warn")
			rows, err := f.source.open(cmd.Context(), logger)
			if err != nil {
				return err
			}
			v, err := summarise(cmd.Context(), rows)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			if f.errorsCSV != "" {
				if err := writeProblemsCSV(f.errorsCSV, v); err != nil {
					return usageErr("--errors-csv: %v", err)
				}
			}
			if err := a.writeValidation(f.output, v); err != nil {
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

// summarise reads rows twice, in flat memory: once to find the values
// that repeat, then to gather every row's problems in line order.
func summarise(ctx context.Context, rows psync.Rows) (validation, error) {
	v := validation{Errors: []rowProblem{}, Warnings: []rowProblem{}}
	dups := mapping.NewDuplicates()
	if err := rows.Each(ctx, func(r *mapping.Row) error { dups.Add(r); return nil }); err != nil {
		return v, err
	}
	dups.Finish()
	err := rows.Each(ctx, func(r *mapping.Row) error {
		dups.Mark(r, v.Rows)
		v.Rows++
		v.add(r)
		return nil
	})
	return v, err
}

func (v *validation) add(r *mapping.Row) {
	switch {
	case r.Skipped:
		v.Skipped++
		return
	case r.Valid():
		v.Valid++
	default:
		v.Invalid++
	}
	for _, p := range r.Problems {
		rp := rowProblem{Line: p.Line, ExternalUserID: p.ExternalUserID, Field: p.Field, Message: p.Message}
		if p.Severity == mapping.SeverityError {
			v.Errors = append(v.Errors, rp)
		} else {
			v.Warnings = append(v.Warnings, rp)
		}
	}
}

func (a *app) writeValidation(format string, v validation) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	// One list in line order, as the practice will walk the spreadsheet.
	lines := problemLines(v)
	slices.SortStableFunc(lines, func(a, b problemLine) int { return cmp.Compare(a.Line, b.Line) })
	for _, p := range lines {
		fmt.Fprintf(a.stdout, "line %d %s [%s] %s: %s\n", p.Line, p.ExternalUserID, p.Field, p.Severity, p.Message)
	}
	_, err := fmt.Fprintf(a.stdout, "%d rows: %d valid, %d invalid, %d skipped; %d errors, %d warnings\n",
		v.Rows, v.Valid, v.Invalid, v.Skipped, len(v.Errors), len(v.Warnings))
	return err
}

func writeProblemsCSV(path string, v validation) error {
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
