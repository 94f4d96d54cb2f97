package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// textBlockLines is how many changes the text report aligns together.
const textBlockLines = 1000

// Text prints the report for a person: one line a change, then the
// failures, then the counts.
func Text(w io.Writer, r *psync.Report) error {
	verb := "would"
	if r.Mode == psync.ModeApply {
		verb = "did"
	}
	run := ""
	if r.RunID != 0 {
		// A plan records no run.
		run = fmt.Sprintf(" (run %d)", r.RunID)
	}
	fmt.Fprintf(w, "%s organization %s%s: %s\n", r.Mode, r.OrganizationID, run, r.Outcome)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	listed := 0
	err := r.EachChange(func(c psync.Change) error {
		if c.Action == "invalid" || c.Action == "failed" {
			return nil
		}
		var detail []string
		if len(c.Fields) > 0 {
			detail = append(detail, "fields: "+strings.Join(c.Fields, ", "))
		}
		if len(c.Manual) > 0 {
			detail = append(detail, "change in Parchment by hand: "+strings.Join(c.Manual, ", "))
		}
		if len(c.Drift) > 0 {
			detail = append(detail, "drift (changed in Parchment by hand): "+strings.Join(c.Drift, ", "))
		}
		if c.Note != "" {
			detail = append(detail, c.Note)
		}
		if c.Provider != "" {
			detail = append(detail, providerText(c))
		}
		if _, err := fmt.Fprintf(tw, "  %s\t%s\tline %s\t%s\n", c.Action, c.ExternalUserID, lineText(c.Line), strings.Join(detail, "; ")); err != nil {
			return err
		}
		// A tabwriter holds every line until it is flushed, to align
		// them: columns are aligned by block, so a million changes cost
		// the memory of one block.
		if listed++; listed%textBlockLines == 0 {
			return tw.Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Failures) > 0 {
		fmt.Fprintln(w, "failures:")
		err := r.EachFailure(func(f psync.Failure) error {
			where := "line " + lineText(f.Line)
			if f.Field != "" {
				where += ", " + f.Field
			}
			extra := ""
			if f.HTTPStatus != 0 {
				extra = fmt.Sprintf(" (HTTP %d, request %s)", f.HTTPStatus, f.RequestID)
			}
			_, err := fmt.Fprintf(w, "  %s [%s]: %s%s\n", f.ExternalUserID, where, f.Message, extra)
			return err
		})
		if err != nil {
			return err
		}
	}
	c := r.Counts
	for _, warning := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	if r.Hold != nil {
		verb = "held; would"
		fmt.Fprintf(w, "held by the mass-leaver guard: nothing was sent. %d would leave (%d with an end date, %d absent, %d losing the provider role) of %d active; limits --max-leavers %d, --max-leavers-percent %g; check that the source is complete, then re-run with --allow-mass-leavers\n",
			r.Hold.Leaving, r.Hold.Leavers, r.Hold.Absent, r.Hold.ProviderRemovals, r.Hold.Active, r.Hold.MaxLeavers, r.Hold.MaxLeaversPercent)
	}
	_, err = fmt.Fprintf(w, "%s: create %d, adopt %d, update %d, enable %d, disable %d, unchanged %d, manual %d, orphaned %d, invalid %d, failed %d\n",
		verb, c.Create, c.Adopt, c.Update, c.Enable, c.Disable, c.Unchanged, c.Manual, c.Orphaned, c.Invalid, c.Failed)
	if err == nil && c.Unrecorded > 0 {
		_, err = fmt.Fprintf(w, "of the failed, %d were sent to Parchment but not recorded in the ledger: fix the ledger (disk space, permissions) and run again; they are found by look-up, never sent twice\n", c.Unrecorded)
	}
	return err
}

// providerText says what a change does to the provider role, with
// Parchment's warning.
func providerText(c psync.Change) string {
	what := "takes the provider role away"
	if c.Provider == psync.ProviderRestored {
		what = "gives the provider role back"
	}
	return what + ". " + c.Warning
}

func lineText(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}
