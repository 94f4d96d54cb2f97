package sync

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"hash/maphash"
	"slices"
	"strings"
)

// ledgerIndex is the organisation's ledger in about 50 bytes a person: a
// hash of each external_user_id (the ids themselves kept once, in one
// buffer, to confirm a match), its fields' digest and lifecycle state. The
// engine recognises unchanged rows with it and reads a whole entry only
// for a person who needs something done.
type ledgerIndex struct {
	seed  maphash.Seed
	slots []slot // in ledger order
	// table is an open-addressing hash table over slots: each cell holds a
	// slot's index plus one, 0 when empty. Its size is a power of two at
	// least twice the slots, so probes stay short.
	table []uint32
	ids   []byte
	// next is the slot after the one last found: a roster in the ledger's
	// order (by external_user_id, as many exports are) finds it there
	// without hashing or probing.
	next int
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

// indexBuilder makes a ledgerIndex from entries in ledger order.
type indexBuilder struct {
	ix  *ledgerIndex
	fp  hash.Hash
	buf []byte
}

func newIndexBuilder() *indexBuilder {
	return &indexBuilder{ix: &ledgerIndex{seed: maphash.MakeSeed()}, fp: sha256.New()}
}

func (b *indexBuilder) add(e EntrySummary) error {
	ix := b.ix
	b.buf = appendFingerprint(b.buf[:0], e)
	_, _ = b.fp.Write(b.buf)
	s := slot{key: maphash.String(ix.seed, e.ExternalUserID), off: uint32(len(ix.ids)), n: uint16(min(len(e.ExternalUserID), 1<<16-1))}
	ix.ids = doubling(ix.ids, int(s.n))
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
	ix.slots = doubling(ix.slots, 1)
	ix.slots = append(ix.slots, s)
	return nil
}

// doubling makes room for n more elements of s, doubling its capacity
// when it is full: append grows large slices by a quarter at a time, and
// copying the index over and over was a tenth of an idle run's CPU.
func doubling[S ~[]E, E any](s S, n int) S {
	if len(s)+n <= cap(s) {
		return s
	}
	return slices.Grow(s, max(n, len(s), 256))
}

func (b *indexBuilder) done() *ledgerIndex {
	b.ix.buildTable()
	b.ix.fingerprint = "sha256:" + hexSum(b.fp)
	return b.ix
}

func (ix *ledgerIndex) buildTable() {
	size := 1
	for size < 2*len(ix.slots) {
		size <<= 1
	}
	ix.table = make([]uint32, size)
	mask := uint64(size - 1)
	for i := range ix.slots {
		c := ix.slots[i].key & mask
		for ix.table[c] != 0 {
			c = (c + 1) & mask
		}
		ix.table[c] = uint32(i + 1)
	}
}

// find returns the slot of id, or nil. It is not safe for concurrent use.
func (ix *ledgerIndex) find(id string) *slot {
	if ix.next < len(ix.slots) && ix.id(&ix.slots[ix.next]) == id {
		ix.next++
		return &ix.slots[ix.next-1]
	}
	if len(ix.slots) == 0 {
		return nil
	}
	key := maphash.String(ix.seed, id)
	mask := uint64(len(ix.table) - 1)
	for c := key & mask; ix.table[c] != 0; c = (c + 1) & mask {
		if i := int(ix.table[c] - 1); ix.slots[i].key == key && ix.id(&ix.slots[i]) == id {
			ix.next = i + 1
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

// parseDigest reads a digest of this version: its prefix, then 1 to 16 hex
// digits. Every ledger entry passes here, and strconv's general parser
// cost several times this loop.
func parseDigest(d string) (uint64, bool) {
	hex, found := strings.CutPrefix(d, digestVersion)
	if !found || hex == "" || len(hex) > 16 {
		return 0, false
	}
	var v uint64
	for i := range len(hex) {
		c := hex[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(c)
	}
	return v, true
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
