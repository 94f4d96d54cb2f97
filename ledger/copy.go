package ledger

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrDestinationHasEntries is returned by Copy when the destination already
// maps people of an organisation being copied: merging two ledgers could
// map one person twice, so Copy never does.
var ErrDestinationHasEntries = errors.New("ledger: copy: the destination already holds entries")

// Copied counts what Copy moved for one organisation.
type Copied struct {
	OrganizationID string
	Entries        int
	Runs           int
	Attempts       int
}

// Copy moves every organisation's entries, runs (with their reports) and
// attempts from one ledger to another, as when a clinic group outgrows its
// SQLite file for PostgreSQL; from is left as it was. Runs keep their ids,
// so a run named in a ticket or a log is found under it after the move; a
// run whose id the destination already uses gets a new one, and the
// attempts and disabled entries that name it follow.
//
// It is all or nothing: one destination transaction, refused (wrapping
// ErrDestinationHasEntries) when the destination maps people of any
// organisation being copied. Every organisation's run lock is held in both
// ledgers throughout, so no run changes either meanwhile; a run in
// progress fails Copy with an error wrapping psync.ErrLocked.
//
// Both ledgers must come from this package (Open, OpenPostgres or
// OpenSQLite). Copy returns what it copied, by organisation.
func Copy(ctx context.Context, from, to Ledger) ([]Copied, error) {
	src, ok := from.(*Store)
	if !ok {
		return nil, fmt.Errorf("ledger: copy: cannot read from %T", from)
	}
	dst, ok := to.(*Store)
	if !ok {
		return nil, fmt.Errorf("ledger: copy: cannot write to %T", to)
	}
	if from == to {
		return nil, errors.New("ledger: copy: source and destination are the same ledger")
	}
	orgs, err := src.organizations(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger: copy: %w", err)
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	unlockFrom, err := src.lockOrganizations(ctx, orgs)
	if err != nil {
		return nil, fmt.Errorf("ledger: copy: source: %w", err)
	}
	defer func() { _ = unlockFrom(context.WithoutCancel(ctx)) }()
	unlockTo, err := dst.lockOrganizations(ctx, orgs)
	if err != nil {
		// Two handles on one ledger meet here too: the source holds the
		// locks.
		return nil, fmt.Errorf("ledger: copy: destination: %w", err)
	}
	defer func() { _ = unlockTo(context.WithoutCancel(ctx)) }()
	// An organisation's first run may have started before the locks.
	if again, err := src.organizations(ctx); err != nil || !slices.Equal(orgs, again) {
		return nil, errors.Join(errors.New("ledger: copy: the source's organisations changed as copying began; try again"), err)
	}

	var copied []Copied
	err = dst.inTx(ctx, func(tx querier) error {
		w := importer{store: dst, tx: tx}
		var taken []string
		for _, org := range orgs {
			has, err := w.hasEntries(ctx, org)
			if err != nil {
				return err
			}
			if has {
				taken = append(taken, org)
			}
		}
		if len(taken) > 0 {
			return fmt.Errorf("%w for organization %s; nothing was copied", ErrDestinationHasEntries, strings.Join(taken, ", "))
		}
		for _, org := range orgs {
			c, err := copyOrganization(ctx, src, w, org)
			if err != nil {
				return fmt.Errorf("organization %s: %w", org, err)
			}
			copied = append(copied, c)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrDestinationHasEntries) {
			return nil, err
		}
		return nil, fmt.Errorf("ledger: copy (nothing was copied): %w", err)
	}
	return copied, nil
}

// copyOrganization writes one organisation's runs, their attempts, then its
// entries, whose DisabledRunID names a run by its new id.
func copyOrganization(ctx context.Context, src *Store, w importer, org string) (Copied, error) {
	c := Copied{OrganizationID: org}
	ids, err := src.runIDs(ctx, org)
	if err != nil {
		return c, err
	}
	newIDs := make(map[int64]int64, len(ids))
	for _, id := range ids {
		// One run at a time: reports and attempts may be large.
		run, err := src.Run(ctx, id)
		if err != nil {
			return c, err
		}
		newID, err := w.run(ctx, run)
		if err != nil {
			return c, fmt.Errorf("run %d: %w", id, err)
		}
		newIDs[id] = newID
		attempts, err := src.Attempts(ctx, id)
		if err != nil {
			return c, err
		}
		for i := range attempts {
			attempts[i].RunID = newID
		}
		if err := w.attempts(ctx, org, attempts); err != nil {
			return c, fmt.Errorf("attempts of run %d: %w", id, err)
		}
		c.Runs++
		c.Attempts += len(attempts)
	}

	entries, err := src.Entries(ctx, org)
	if err != nil {
		return c, err
	}
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		e := entries[id]
		if e.DisabledRunID != 0 {
			newID, ok := newIDs[e.DisabledRunID]
			if !ok {
				// Keeping the old id could name another run here.
				return c, fmt.Errorf("entry %s: disabled by run %d, which the source does not hold", id, e.DisabledRunID)
			}
			e.DisabledRunID = newID
		}
		if err := w.entry(ctx, org, e); err != nil {
			return c, err
		}
		c.Entries++
	}
	return c, nil
}
