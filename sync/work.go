package sync

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// item is one person the second read found needing a decision: a row, a
// ledger entry, or both. Its entry is read whole only when it is decided.
type item struct {
	row      *mapping.Row
	id       string
	inLedger bool
}

// work is the run's items in two phases: first the dead runs' pending
// creates (which must settle before anything else is sent), then the
// rows needing a decision in roster order, then the absences by id.
func (s *survey) work(ctx context.Context, rows Rows, readErr func(error)) (settle, rest iter.Seq[item]) {
	settle = func(yield func(item) bool) {
		for _, id := range s.ix.pending {
			rs := s.pendingRows[id]
			if len(rs) == 0 && !yield(item{id: id, inLedger: true}) {
				return
			}
			for _, r := range rs {
				row := cloneRow(&r.row)
				s.dups.Mark(&row, r.ord)
				if !yield(item{row: &row, id: id, inLedger: true}) {
					return
				}
			}
		}
	}
	rest = func(yield func(item) bool) {
		if s.needed.none() {
			// Nothing on the roster needs deciding (an idle run): no second read.
			s.yieldAbsent(yield)
			return
		}
		ord := -1
		stopped := false
		err := rows.Each(ctx, func(r *mapping.Row) error {
			ord++
			if !s.needed.has(ord) {
				return nil
			}
			row := cloneRow(r)
			s.dups.Mark(&row, ord)
			id := row.Record.ExternalUserID
			if !yield(item{row: &row, id: id, inLedger: id != "" && s.ix.find(id) != nil}) {
				stopped = true
				return errStopRead
			}
			return nil
		})
		if stopped || ctx.Err() != nil {
			// A stop signal: the run reports itself interrupted.
			return
		}
		if err != nil {
			// Not a source error: part of the run may have been sent.
			readErr(fmt.Errorf("read the roster again: %v", err))
			return
		}
		if ord+1 != s.rows {
			readErr(fmt.Errorf("the roster changed while the run read it (%d rows, then %d): run again", s.rows, ord+1))
			return
		}
		s.yieldAbsent(yield)
	}
	return settle, rest
}

// yieldAbsent gives the active people no row was read for, by id.
func (s *survey) yieldAbsent(yield func(item) bool) {
	var absent []string
	s.ix.unseen(func(id string, sl *slot) {
		if !sl.has(slotDisabled) {
			absent = append(absent, id)
		}
	})
	slices.Sort(absent)
	for _, id := range absent {
		if !yield(item{id: id, inLedger: true}) {
			return
		}
	}
}

// errStopRead ends a read the consumer no longer wants.
var errStopRead = errors.New("read stopped")

// decide reads the item's entry, with --refresh its live values, and
// decides. ok is false when the ledger could not be read (the run is then
// aborting) or when the entry needs nothing.
func (x *executor) decide(calls context.Context, it item, lc lifecycle) (decision, bool) {
	var entry *Entry
	if it.inLedger {
		e, found, err := x.cfg.Store.Entry(x.ledgerCtx, x.cfg.OrganizationID, it.id)
		if err != nil {
			x.stop.abort(fmt.Errorf("read ledger: %w", err))
			return decision{}, false
		}
		if found {
			entry = &e
		}
	}
	if it.row == nil && (entry == nil || entry.State == StateSynced && entry.Disabled()) {
		return decision{}, false
	}
	var fresh *refreshed
	if x.cfg.Refresh && entry != nil && entry.State == StateSynced && (it.row != nil || !entry.Disabled()) {
		r, live := x.read(calls, *entry)
		fresh = &r
		if live != nil {
			entry.Fields = live
		}
	}
	d := lc.decide(it.row, entry)
	d.explainProvider()
	if fresh != nil && d.entry != nil {
		d.drift = fresh.drift
		if fresh.failure != nil {
			f := *fresh.failure
			f.Line = d.line()
			d.action, d.failure, d.steps = actionFailed, &f, nil
		}
	}
	return d, true
}
