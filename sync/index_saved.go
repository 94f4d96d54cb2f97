package sync

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
)

// indexKeeper is a Store that keeps the engine's index of an organisation
// between runs, beside a version of the organisation's entries that every
// write to them moves. An idle night then reads one saved index instead of
// every entry: most of an idle run's ledger time.
type indexKeeper interface {
	// SavedIndex calls read with the version of the organisation's entries
	// and the index saved at that version, nil when none is; the index is
	// valid only until read returns.
	SavedIndex(ctx context.Context, organizationID string, read func(version int64, index []byte) error) error
	// IndexSaved reports the entries' version and whether an index is
	// saved at it, without reading the index.
	IndexSaved(ctx context.Context, organizationID string) (version int64, saved bool, err error)
	// SaveIndex keeps index as the organisation's at version, read before
	// the entries the index was made of.
	SaveIndex(ctx context.Context, organizationID string, version int64, index []byte) error
}

// loadIndex reads the organisation's index: the one saved at the entries'
// current version when there is one, else it reads the entries without
// their fields and, when keep is set (an apply), saves what it read for
// the next run.
func loadIndex(ctx context.Context, store Store, organizationID string, keep bool, logger *slog.Logger) (*ledgerIndex, error) {
	keeper, ok := store.(indexKeeper)
	if !ok {
		return scanIndex(ctx, store, organizationID)
	}
	var (
		version int64
		ix      *ledgerIndex
	)
	err := keeper.SavedIndex(ctx, organizationID, func(v int64, saved []byte) error {
		version = v
		if saved == nil {
			return nil
		}
		var err error
		switch ix, err = decodeIndex(saved); {
		case errors.Is(err, errOtherFormat): // saved by another version: an upgrade's first run
			logger.Info("the ledger's index was saved by another version; reading every entry instead", "error", err)
		case err != nil:
			logger.Warn("the ledger's saved index cannot be read; reading every entry instead", "error", err)
		}
		return nil
	})
	if err != nil || ix != nil {
		return ix, err
	}
	ix, err = scanIndex(ctx, store, organizationID)
	if err == nil && keep {
		saveIndex(ctx, keeper, organizationID, version, ix, logger)
	}
	return ix, err
}

// refreshSavedIndex saves the organisation's index anew when the saved one
// is not of the entries' current version, as after a run that wrote them:
// the next night then starts from it. The ledger is right either way, so
// a failure here is only logged.
func refreshSavedIndex(ctx context.Context, store Store, organizationID string, logger *slog.Logger) {
	keeper, ok := store.(indexKeeper)
	if !ok {
		return
	}
	version, saved, err := keeper.IndexSaved(ctx, organizationID)
	if err != nil {
		logger.Warn("could not check the ledger's saved index; the next run reads every entry", "error", err)
		return
	}
	if saved {
		return
	}
	ix, err := scanIndex(ctx, store, organizationID)
	if err != nil {
		logger.Warn("could not read the ledger to save its index; the next run reads every entry", "error", err)
		return
	}
	saveIndex(ctx, keeper, organizationID, version, ix, logger)
}

func saveIndex(ctx context.Context, keeper indexKeeper, organizationID string, version int64, ix *ledgerIndex, logger *slog.Logger) {
	if len(ix.slots) == 0 {
		return
	}
	if err := keeper.SaveIndex(ctx, organizationID, version, encodeIndex(ix)); err != nil {
		logger.Warn("could not save the ledger's index; the next run reads every entry", "error", err)
	}
}

// scanIndex builds the index from the organisation's entries.
func scanIndex(ctx context.Context, store Store, organizationID string) (*ledgerIndex, error) {
	b := newIndexBuilder()
	if err := store.ScanEntries(ctx, organizationID, b.add); err != nil {
		return nil, err
	}
	return b.done(), nil
}

// savedIndexFormat opens every saved index. It names the layout and the
// digest version the slots' digests and flags were made with: an index
// saved by a build that differs in either is read as missing.
const savedIndexFormat = "parchment-sync index 1, digests " + digestVersion

// errSavedIndex is a saved index this build cannot read; errOtherFormat,
// among them, one another build wrote.
var (
	errSavedIndex  = errors.New("the saved index is malformed")
	errOtherFormat = fmt.Errorf("%w: another version saved it", errSavedIndex)
)

// encodeIndex lays ix out as: the format, the ledger's fingerprint, the
// count of slots, then each slot's id length, absent runs, flags and
// digest, then the ids one after another. Hash keys and the table are
// the process's own (its seed), so they are made anew when read.
func encodeIndex(ix *ledgerIndex) []byte {
	b := make([]byte, 0, len(savedIndexFormat)+len(ix.fingerprint)+16+len(ix.slots)*slotBytes+len(ix.ids))
	b = appendString(b, savedIndexFormat)
	b = appendString(b, ix.fingerprint)
	b = binary.AppendUvarint(b, uint64(len(ix.slots)))
	for i := range ix.slots {
		s := &ix.slots[i]
		b = binary.AppendUvarint(b, uint64(s.n))
		b = binary.AppendUvarint(b, uint64(s.absent))
		b = append(b, s.flags&^slotSeen)
		b = binary.LittleEndian.AppendUint64(b, s.digest)
	}
	return append(b, ix.ids...)
}

// slotBytes is the most a slot takes in a saved index, and minSlotBytes
// the least: the id length and absent runs are uvarints of a uint16.
const (
	slotBytes    = 3 + 3 + 1 + 8
	minSlotBytes = 1 + 1 + 1 + 8
)

// savedFlags are the flags a saved slot may carry.
const savedFlags = slotSynced | slotDisabled | slotOddDigest

// decodeIndex reads an index encodeIndex wrote.
func decodeIndex(data []byte) (*ledgerIndex, error) {
	format, rest, err := cutBytes(data)
	if err != nil {
		return nil, err
	}
	if string(format) != savedIndexFormat {
		return nil, fmt.Errorf("%w: its format is %q, this version's %q", errOtherFormat, format, savedIndexFormat)
	}
	fingerprint, rest, err := cutBytes(rest)
	if err != nil {
		return nil, err
	}
	count, rest, err := cutUvarint(rest, uint64(len(rest)/minSlotBytes))
	if err != nil {
		return nil, err
	}
	ix := &ledgerIndex{seed: maphash.MakeSeed(), slots: make([]slot, count), fingerprint: string(fingerprint)}
	var off uint64
	for i := range ix.slots {
		s := &ix.slots[i]
		n, r, err := cutUvarint(rest, 1<<16-1)
		if err != nil {
			return nil, err
		}
		absent, r, err := cutUvarint(r, 1<<16-1)
		if err != nil || len(r) < 9 || r[0]&^savedFlags != 0 || n == 0 {
			return nil, errSavedIndex
		}
		s.n, s.absent, s.off, s.flags = uint16(n), uint16(absent), uint32(off), r[0]
		s.digest = binary.LittleEndian.Uint64(r[1:9])
		off += n
		rest = r[9:]
	}
	if uint64(len(rest)) != off || off > 1<<32-1 {
		return nil, fmt.Errorf("%w: its ids take %d bytes, its slots %d", errSavedIndex, len(rest), off)
	}
	ix.ids = bytes.Clone(rest) // rest is the ledger's buffer
	for i := range ix.slots {
		s := &ix.slots[i]
		id := ix.ids[s.off : s.off+uint32(s.n)]
		s.key = maphash.Bytes(ix.seed, id)
		switch {
		case !s.has(slotSynced):
			ix.pending = append(ix.pending, string(id))
		case !s.has(slotDisabled):
			ix.active++
		}
	}
	ix.buildTable()
	return ix, nil
}

// cutBytes reads a uvarint length and that many bytes.
func cutBytes(b []byte) (value, rest []byte, err error) {
	n, rest, err := cutUvarint(b, uint64(len(b)))
	if err != nil || n > uint64(len(rest)) {
		return nil, nil, errSavedIndex
	}
	return rest[:n], rest[n:], nil
}

// cutUvarint reads a uvarint no larger than most.
func cutUvarint(b []byte, most uint64) (uint64, []byte, error) {
	v, k := binary.Uvarint(b)
	if k <= 0 || v > most {
		return 0, nil, errSavedIndex
	}
	return v, b[k:], nil
}
