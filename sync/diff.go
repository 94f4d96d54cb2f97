package sync

import (
	"cmp"
	"slices"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// march sets the roster against the ledger: rows only in the roster are
// created, rows in both are compared, entries only in the ledger are
// orphaned, and creates a dead run left pending are resolved first.
func march(rows []mapping.Row, entries map[string]Entry) []decision {
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
		switch {
		case !inLedger:
			out = append(out, decision{action: ActionCreate, row: row})
		case entry.State == StatePending:
			out = append(out, decision{action: ActionResolve, row: row, entry: e})
		default:
			out = append(out, compare(row, e))
		}
	}
	for id, entry := range entries {
		if seen[id] {
			continue
		}
		e := entry
		if e.State == StatePending {
			// A lost create for someone no longer on the roster: find out
			// whether it landed, never create it now.
			out = append(out, decision{action: ActionResolve, entry: &e})
			continue
		}
		out = append(out, decision{action: ActionOrphaned, entry: &e})
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

// compare decides between update, manual and unchanged for a synced entry.
func compare(row *mapping.Row, e *Entry) decision {
	up, manual, problems := planUpdate(row.Record, e.Fields)
	switch {
	case len(problems) > 0:
		return decision{action: ActionInvalid, row: row, entry: e, problems: problems, manual: manual}
	case up != nil:
		return decision{action: ActionUpdate, row: row, entry: e, update: up, manual: manual}
	case len(manual) > 0:
		return decision{action: ActionManual, row: row, entry: e, manual: manual}
	default:
		return decision{action: ActionUnchanged, row: row, entry: e}
	}
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
