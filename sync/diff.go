package sync

import (
	"fmt"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// lifecycle is what the march needs to know about leavers.
type lifecycle struct {
	// lastPast is yesterday in the organisation's time zone, as a UTC
	// date: the latest end date that has passed. An end date is the last
	// working day, so its person leaves at the first run after it.
	lastPast   time.Time
	leavers    Leavers
	absentRuns int
}

func newLifecycle(cfg Config) lifecycle {
	y, m, d := cfg.Now().In(cfg.Location).Date()
	return lifecycle{
		lastPast: time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC),
		leavers:  cfg.Leavers, absentRuns: cfg.AbsentRuns,
	}
}

// left reports whether rec's end date has passed: it is before today.
func (lc lifecycle) left(rec *mapping.Record) bool { return rec.LeftBy(lc.lastPast) }

// leaving reports whether rec has an end date still to come (today
// included), which the report shows.
func (lc lifecycle) leaving(rec *mapping.Record) bool { return rec.EndDate != "" && !lc.left(rec) }

// decide sets one person's row against their ledger entry: a row only in
// the roster is created, one in both is compared, a leaver is disabled, an
// entry with no row is an absence, and a create a dead run left pending is
// resolved. Either may be nil, not both.
func (lc lifecycle) decide(row *mapping.Row, e *Entry) decision {
	if row == nil {
		if e.State == StatePending {
			// A lost create for someone no longer on the roster: find out
			// whether it landed, never create it now.
			return decision{action: ActionResolve, entry: e}
		}
		return lc.absent(e)
	}
	if !row.Valid() {
		return decision{action: ActionInvalid, row: row, entry: e, problems: rowErrors(*row)}
	}
	left := lc.left(&row.Record)
	switch {
	case e == nil && left:
		return decision{action: ActionUnchanged, row: row, note: "left after " + row.Record.EndDate + ": not created"}
	case e == nil:
		return lc.noteLeaving(decision{action: ActionCreate, row: row})
	case e.State == StatePending && left:
		// Like a lost create for someone gone from the roster: find out
		// whether it landed, never create it now.
		return decision{action: ActionResolve, entry: e}
	case e.State == StatePending:
		return decision{action: ActionResolve, row: row, entry: e}
	case left:
		return lc.leaver(row, e)
	default:
		return lc.noteLeaving(compare(row, e))
	}
}

// noteLeaving says when a person with notice given leaves: after their end
// date, which may be today.
func (lc lifecycle) noteLeaving(d decision) decision {
	if d.action != ActionInvalid && lc.leaving(&d.row.Record) {
		d.note = joinNotes(d.note, "leaves after "+d.row.Record.EndDate)
	}
	return d
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
	d := decision{row: row, entry: e, leaving: true, note: "left after " + row.Record.EndDate}
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
