package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/report"
	"github.com/spf13/cobra"
)

type validateFlags struct {
	source    fleet.Source
	output    string
	errorsCSV string
}

// validationJSON is validate's JSON report. Operators' scripts parse it:
// its keys and their order are a contract. The lists are streamed in where
// the empty ones encode.
type validationJSON struct {
	fleet.ValidationCounts
	Errors   []fleet.RowProblem `json:"errors"`
	Warnings []fleet.RowProblem `json:"warnings"`
	// Error says why the roster could not be validated (exit 2); the
	// counts are then 0 and the lists empty.
	Error string `json:"error,omitempty"`
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
			logger, _ := a.logger("warn")
			v, err := a.fleet.Validate(cmd.Context(), f.source, f.errorsCSV, logger)
			defer v.Close()
			if err != nil {
				if f.output == "json" {
					// Scripts read stdout whatever the exit code.
					_ = writeValidationJSON(a.stdout, &fleet.Validation{}, err.Error())
				}
				return err
			}
			if err := a.writeValidation(f.output, &v); err != nil {
				return err
			}
			if v.Invalid > 0 {
				return withCode(fleet.RowsFailed, nil)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	registerSource(fs, &f.source)
	fs.StringVar(&f.output, "output", "text", "report format: text or json")
	fs.StringVar(&f.errorsCSV, "errors-csv", "", "also write every error and warning to this CSV file, for the practice to fix")
	return cmd
}

func (a *app) writeValidation(format string, v *fleet.Validation) error {
	if format == "json" {
		return writeValidationJSON(a.stdout, v, "")
	}
	bw := bufio.NewWriterSize(a.stdout, 64<<10)
	// One list in line order, as the practice will walk the spreadsheet.
	err := v.EachByLine(func(p fleet.ProblemLine) error {
		_, err := fmt.Fprintf(bw, "line %d %s [%s] %s: %s\n", p.Line, p.ExternalUserID, p.Field, p.Severity, p.Message)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "%d rows: %d valid, %d invalid, %d skipped; %d errors, %d warnings\n",
		v.Rows, v.Valid, v.Invalid, v.Skipped, v.Errors(), v.Warnings())
	return bw.Flush()
}

// writeValidationJSON writes what json.Encoder with two-space indent would
// write of validationJSON, with the problems streamed from their lists:
// a million warnings cost the memory of a few thousand.
func writeValidationJSON(w io.Writer, v *fleet.Validation, failure string) error {
	head, err := json.MarshalIndent(validationJSON{
		ValidationCounts: v.ValidationCounts, Errors: []fleet.RowProblem{}, Warnings: []fleet.RowProblem{}, Error: failure,
	}, "", "  ")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rest := head
	for _, l := range []struct {
		key  string
		each func(func(fleet.RowProblem) error) error
	}{{"errors", v.EachError}, {"warnings", v.EachWarning}} {
		empty := []byte(`"` + l.key + `": []`)
		before, after, ok := bytes.Cut(rest, empty)
		if !ok {
			return fmt.Errorf("validate: no %s in the encoded report", l.key)
		}
		_, _ = bw.Write(before)
		_, _ = bw.Write(empty[:len(empty)-len("[]")])
		if err := report.StreamArray(bw, "  ", l.each); err != nil {
			return err
		}
		rest = after
	}
	_, _ = bw.Write(rest)
	_ = bw.WriteByte('\n')
	return bw.Flush()
}
