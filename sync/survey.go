package sync

import (
	"context"
	"fmt"
	"slices"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// survey is what the first read of the roster learns, before anything is
// decided or sent: which rows are unchanged (their digest matches the
// ledger's), which repeat a value, who would leave, and the rows of
// creates a dead run left pending, which must settle first.
type survey struct {
	ix   *ledgerIndex
	dups *mapping.Duplicates
	// rows counts the rows read, skipped ones included: their ordinals.
	rows, skipped int
	// needed marks the ordinals the second read must decide.
	needed bitset
	// leaving marks the ordinals of leavers, for the mass-leaver guard.
	leaving         bitset
	leavers, absent int
	// mayRemove marks the ordinals of changed rows without provider for
	// active synced people: each may take provider away, which the guard
	// counts (removals) once it has read whether the ledger has them
	// holding it (see countRemovals).
	mayRemove            bitset
	mayRemoves, removals int
	unchanged            int
	pendingRows          map[string][]ordRow
	pendingWithoutRow    int
	source               string
}

type ordRow struct {
	ord int
	row mapping.Row
}

// surveyRows reads rows once. Rows recognised unchanged are only counted.
func surveyRows(ctx context.Context, rows Rows, ix *ledgerIndex, lc lifecycle, refresh bool) (*survey, error) {
	s := &survey{ix: ix, dups: mapping.NewDuplicates(), pendingRows: map[string][]ordRow{}}
	fp := newSourceFingerprint()
	var settling bitset
	err := rows.Each(ctx, func(row *mapping.Row) error {
		ord := s.rows
		s.rows++
		fp.add(row)
		s.dups.Add(row)
		if row.Skipped {
			s.skipped++
			return nil
		}
		var sl *slot
		if id := row.Record.ExternalUserID; id != "" {
			if sl = ix.find(id); sl != nil {
				sl.flags |= slotSeen
			}
		}
		switch {
		case sl != nil && !sl.has(slotSynced):
			id := row.Record.ExternalUserID
			s.pendingRows[id] = append(s.pendingRows[id], ordRow{ord, cloneRow(row)})
			settling.set(ord)
		case !refresh && unchanged(row, sl):
			s.unchanged++
		default:
			s.needed.set(ord)
			if !row.Valid() || sl == nil || sl.has(slotDisabled) {
				return nil
			}
			if lc.left(&row.Record) {
				s.leaving.set(ord)
				s.leavers++
				return nil
			}
			if len(row.Record.AccessRoles) > 0 && !row.Record.IsProvider() {
				s.mayRemove.set(ord)
				s.mayRemoves++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.source = fp.sum()
	s.dups.Finish()
	// A repeated value makes every row carrying it invalid, whatever the
	// first read thought of it.
	s.dups.Repeated(func(ord int) {
		if s.leaving.has(ord) {
			s.leaving.clear(ord)
			s.leavers--
		}
		if s.mayRemove.has(ord) {
			s.mayRemove.clear(ord)
			s.mayRemoves--
		}
		if !s.needed.has(ord) && !settling.has(ord) {
			s.needed.set(ord)
			s.unchanged--
		}
	})
	ix.unseen(func(_ string, sl *slot) {
		if !sl.has(slotDisabled) {
			s.absent++
		}
	})
	for _, id := range ix.pending {
		if len(s.pendingRows[id]) == 0 {
			s.pendingWithoutRow++
		}
	}
	return s, nil
}

// unchanged reports whether row holds exactly what the ledger last synced
// for an active person with nothing else to do or say: no end date (come,
// or still to come, which the report shows), no absence to reset, not
// left holding only the member role.
func unchanged(row *mapping.Row, sl *slot) bool {
	switch {
	case sl == nil || !row.Valid() || !sl.has(slotSynced) || sl.has(slotDisabled|slotOddDigest) || sl.absent != 0:
		return false
	case row.Record.EndDate != "":
		return false
	case len(row.Record.AccessRoles) == 1 && row.Record.AccessRoles[0] == parchment.RoleMember:
		return false
	}
	return recordDigest(&row.Record) == sl.digest
}

// decisions is how many decisions the run reports: every row not
// skipped, every absence and every dead run's create with no row.
func (s *survey) decisions() int { return s.rows - s.skipped + s.absent + s.pendingWithoutRow }

// hold is the mass-leaver guard's verdict, nil when the run may go on.
// countRemovals must have run.
func (s *survey) hold(cfg Config) *Hold { return s.holdWith(cfg, s.removals) }

func (s *survey) holdWith(cfg Config, removals int) *Hold {
	if cfg.Leavers == LeaversReport {
		return nil
	}
	h := Hold{MaxLeavers: cfg.MaxLeavers, MaxLeaversPercent: cfg.MaxLeaversPercent,
		Leavers: s.leavers, Absent: s.absent, ProviderRemovals: removals, Active: s.ix.active}
	h.Leaving = h.Leavers + h.Absent + h.ProviderRemovals
	if h.Leaving > h.MaxLeavers && float64(h.Leaving)*100 > h.MaxLeaversPercent*float64(h.Active) {
		return &h
	}
	return nil
}

// countRemovals learns how many rows take provider from a person the
// ledger has holding it, for the guard. The index keeps no roles, so that
// needs each candidate's entry: read only when the candidates could trip
// the guard at all, rereading the roster for their ids, so an ordinary
// night reads nothing more and memory stays flat.
func (s *survey) countRemovals(ctx context.Context, cfg Config, rows Rows) error {
	if s.mayRemoves == 0 || cfg.AllowMassLeavers || s.holdWith(cfg, s.mayRemoves) == nil {
		return nil
	}
	ord := -1
	return rows.Each(ctx, func(row *mapping.Row) error {
		ord++
		if !s.mayRemove.has(ord) {
			return nil
		}
		e, ok, err := cfg.Store.Entry(ctx, cfg.OrganizationID, row.Record.ExternalUserID)
		if err != nil {
			return fmt.Errorf("read ledger: %w", err)
		}
		if ok && e.State == StateSynced && !e.Disabled() && holdsProvider(&e) {
			s.removals++
		}
		return nil
	})
}

// cloneRow copies row so that appending to its problems leaves the
// source's alone.
func cloneRow(row *mapping.Row) mapping.Row {
	r := *row
	r.Problems = slices.Clip(r.Problems)
	r.Record.AccessRoles = slices.Clone(r.Record.AccessRoles)
	return r
}
