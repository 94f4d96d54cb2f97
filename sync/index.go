package sync

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"
	"slices"
	"strconv"
)

// ledgerIndex is the organisation's ledger in about 40 bytes a person: a
// hash of each external_user_id (the ids themselves kept once, in one
// buffer, to confirm a match), its fields' digest and lifecycle state. The
// engine recognises unchanged rows with it and reads a whole entry only
// for a person who needs something done.
type ledgerIndex struct {
	seed  maphash.Seed
	slots []slot // by key, then id
	ids   []byte
	// active counts synced people not disabled, for the mass-leaver guard.
	active int
	// pending lists the creates a dead run left pending.
	pending []string
	// fingerprint identifies what the ledger held, for plan files.
	fingerprint string
}

type slot struct {
	key    uint64
	digest uint64
	off    uint32
	n      uint16 // id length
	absent uint16
	flags  uint8
}

const (
	slotSynced uint8 = 1 << iota
	slotDisabled
	slotSeen // a row for the person was read
	// slotOddDigest marks a digest not made by FieldsDigest (older or
	// newer): never taken as a match.
	slotOddDigest
)

func (s *slot) has(f uint8) bool { return s.flags&f != 0 }

// loadIndex reads the organisation's entries without their fields.
func loadIndex(ctx context.Context, store Store, organizationID string) (*ledgerIndex, error) {
	ix := &ledgerIndex{seed: maphash.MakeSeed()}
	fp := sha256.New()
	var buf []byte
	err := store.ScanEntries(ctx, organizationID, func(e EntrySummary) error {
		buf = appendFingerprint(buf[:0], e)
		_, _ = fp.Write(buf)
		s := slot{key: maphash.String(ix.seed, e.ExternalUserID), off: uint32(len(ix.ids)), n: uint16(min(len(e.ExternalUserID), 1<<16-1))}
		ix.ids = append(ix.ids, e.ExternalUserID[:s.n]...)
		s.absent = uint16(min(e.AbsentRuns, 1<<16-1))
		if d, ok := parseDigest(e.Digest); ok {
			s.digest = d
		} else {
			s.flags |= slotOddDigest
		}
		switch {
		case e.State == StatePending:
			ix.pending = append(ix.pending, e.ExternalUserID)
		case e.DisabledRunID != 0:
			s.flags |= slotSynced | slotDisabled
		default:
			s.flags |= slotSynced
			ix.active++
		}
		ix.slots = append(ix.slots, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ix.slots, func(a, b slot) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.off, b.off)) })
	ix.fingerprint = "sha256:" + hexSum(fp)
	return ix, nil
}

// find returns the slot of id, or nil.
func (ix *ledgerIndex) find(id string) *slot {
	key := maphash.String(ix.seed, id)
	i, _ := slices.BinarySearchFunc(ix.slots, key, func(s slot, k uint64) int { return cmp.Compare(s.key, k) })
	for ; i < len(ix.slots) && ix.slots[i].key == key; i++ {
		if ix.id(&ix.slots[i]) == id {
			return &ix.slots[i]
		}
	}
	return nil
}

func (ix *ledgerIndex) id(s *slot) string { return string(ix.ids[s.off : s.off+uint32(s.n)]) }

// unseen calls fn with the id of every synced person no row was read for.
func (ix *ledgerIndex) unseen(fn func(id string, s *slot)) {
	for i := range ix.slots {
		if s := &ix.slots[i]; s.has(slotSynced) && !s.has(slotSeen) {
			fn(ix.id(s), s)
		}
	}
}

func parseDigest(d string) (uint64, bool) {
	if len(d) <= len(digestVersion) || d[:len(digestVersion)] != digestVersion {
		return 0, false
	}
	v, err := strconv.ParseUint(d[len(digestVersion):], 16, 64)
	return v, err == nil
}

// appendFingerprint appends one entry's part of the ledger's fingerprint:
// everything a decision depends on, the fields by their digest.
func appendFingerprint(b []byte, e EntrySummary) []byte {
	for _, s := range [...]string{e.ExternalUserID, string(e.State), e.Digest} {
		b = appendString(b, s)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(e.DisabledRunID))
	return binary.LittleEndian.AppendUint64(b, uint64(e.AbsentRuns))
}
