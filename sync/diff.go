package sync

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// lifecycle is what the march needs to know about leavers.
type lifecycle struct {
	today      time.Time
	leavers    Leavers
	absentRuns int
}

// march sets the roster against the ledger: rows only in the roster are
// created, rows in both are compared, leavers are disabled, entries only in
// the ledger are absences, and creates a dead run left pending are
// resolved first.
func march(rows []mapping.Row, entries map[string]Entry, lc lifecycle) []decision {
	var out []decision
	seen := make(map[string]bool, len(rows))
	repeated := repeatedIDs(rows)
	for i := range rows {
		row := &rows[i]
		if row.Skipped {
			continue
		}
		id := row.Record.ExternalUserID
		if id != "" {
			seen[id] = true
		}
		entry, inLedger := entries[id]
		var e *Entry
		if inLedger {
			e = &entry
		}
		if repeated[id] && row.Valid() {
			// The source checks this too; the engine never trusts it to,
			// since two rows for one id would mean two creates.
			out = append(out, decision{action: ActionInvalid, row: row, entry: e, problems: []mapping.Problem{{
				Line: row.Line, ExternalUserID: id, Field: mapping.FieldExternalUserID,
				Message: "external_user_id appears on more than one row", Severity: mapping.SeverityError,
			}}})
			continue
		}
		if !row.Valid() {
			out = append(out, decision{action: ActionInvalid, row: row, entry: e, problems: rowErrors(*row)})
			continue
		}
		left := row.Record.LeftBy(lc.today)
		switch {
		case !inLedger && left:
			out = append(out, decision{action: ActionUnchanged, row: row, note: "left on " + row.Record.EndDate + ": not created"})
		case !inLedger:
			out = append(out, decision{action: ActionCreate, row: row})
		case entry.State == StatePending && left:
			// Like a lost create for someone gone from the roster: find
			// out whether it landed, never create it now.
			out = append(out, decision{action: ActionResolve, entry: e})
		case entry.State == StatePending:
			out = append(out, decision{action: ActionResolve, row: row, entry: e})
		case left:
			out = append(out, lc.leaver(row, e))
		default:
			out = append(out, compare(row, e))
		}
	}
	for id, entry := range entries {
		if seen[id] {
			continue
		}
		e := entry
		switch {
		case e.State == StatePending:
			// A lost create for someone no longer on the roster: find out
			// whether it landed, never create it now.
			out = append(out, decision{action: ActionResolve, entry: &e})
		case !e.Disabled():
			// Someone already disabled is settled: not reported again
			// until a row for them returns.
			out = append(out, lc.absent(&e))
		}
	}
	// Resolutions first (they must settle before anything else is sent),
	// then roster order, then orphans by id, so reports are stable.
	slices.SortStableFunc(out, func(a, b decision) int {
		return cmp.Or(
			cmp.Compare(rank(a), rank(b)),
			cmp.Compare(a.line(), b.line()),
			cmp.Compare(a.externalID(), b.externalID()),
		)
	})
	return out
}

func rank(d decision) int {
	switch {
	case d.settles():
		return 0
	case d.row != nil:
		return 1
	default:
		return 2
	}
}

// compare decides between enable, update, manual and unchanged for a
// synced entry whose row is active.
func compare(row *mapping.Row, e *Entry) decision {
	steps, fields, manual, problems := planChanges(row.Record, e)
	d := decision{row: row, entry: e, steps: steps, fields: fields, manual: manual}
	switch {
	case len(problems) > 0:
		d.action, d.problems, d.steps, d.fields = ActionInvalid, problems, nil, nil
	case e.Disabled():
		d.action, d.note = ActionEnable, "back on the roster: enabled"
	case memberOnly(e):
		d.action, d.note = ActionEnable, "Parchment holds only the member role (disabled by hand?): enabled and roles restored"
	case len(steps) > 0:
		d.action = ActionUpdate
	case len(manual) > 0:
		d.action = ActionManual
	default:
		d.action = ActionUnchanged
	}
	return d
}

// leaver decides for a synced person whose row's end date has come.
func (lc lifecycle) leaver(row *mapping.Row, e *Entry) decision {
	if e.Disabled() {
		return decision{action: ActionUnchanged, row: row, entry: e}
	}
	d := decision{row: row, entry: e, leaving: true, note: "left on " + row.Record.EndDate}
	if lc.leavers == LeaversReport {
		d.action, d.note = ActionOrphaned, d.note+"; not disabled (--leavers report)"
		return d
	}
	d.action, d.steps = ActionDisable, []step{{kind: stepDisable}}
	return d
}

// absent decides for an active synced person on no row of the source.
func (lc lifecycle) absent(e *Entry) decision {
	d := decision{entry: e, leaving: true, absentRuns: e.AbsentRuns + 1}
	switch {
	case lc.leavers == LeaversReport:
		d.action = ActionOrphaned
		d.note = fmt.Sprintf("absent from the source in %d consecutive %s; not disabled (--leavers report)", d.absentRuns, plural(d.absentRuns, "apply", "applies"))
	case d.absentRuns >= lc.absentRuns:
		d.action, d.steps = ActionDisable, []step{{kind: stepDisable}}
		d.note = fmt.Sprintf("absent from the source in %d consecutive applies (--absent-runs %d)", d.absentRuns, lc.absentRuns)
	default:
		d.action = ActionOrphaned
		d.note = fmt.Sprintf("absent from the source in %d of %d consecutive applies: disabled if still absent then (--absent-runs)", d.absentRuns, lc.absentRuns)
	}
	return d
}

func rowErrors(row mapping.Row) []mapping.Problem {
	var out []mapping.Problem
	for _, p := range row.Problems {
		if p.Severity == mapping.SeverityError {
			out = append(out, p)
		}
	}
	return out
}

// repeatedIDs returns the external ids that more than one valid row carries.
func repeatedIDs(rows []mapping.Row) map[string]bool {
	n := make(map[string]int, len(rows))
	for _, r := range rows {
		if r.Valid() {
			n[r.Record.ExternalUserID]++
		}
	}
	out := map[string]bool{}
	for id, c := range n {
		if c > 1 {
			out[id] = true
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
