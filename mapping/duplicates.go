package mapping

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
)

// uniqueKey is a value that must not repeat within one source.
type uniqueKey struct {
	field string
	key   func(*Record) string
	why   string
}

func uniqueKeys() []uniqueKey {
	return []uniqueKey{
		{FieldExternalUserID, func(r *Record) string { return r.ExternalUserID }, "each person needs their own ID"},
		{FieldEmail, func(r *Record) string { return strings.ToLower(r.Email) }, "Parchment needs a different email for each user"},
		{FieldHPIINumber, func(r *Record) string { return r.HPIINumber }, "an HPI-I belongs to one practitioner"},
	}
}

// Duplicates finds rows that share an external_user_id, an email (ignoring
// case) or an HPI-I, over a source read twice: Add every row on the first
// read, Finish, then Mark every row on the second. It keeps 16 bytes per
// row and key, not the rows: a hash of the value, the row's ordinal (its
// place among the rows read) and its line.
//
// Values are compared by a 64-bit hash with a per-run seed. Two different
// values share one with a chance of about 1 in 30 million for a million
// rows; both rows would then be held back as duplicates, never sent.
type Duplicates struct {
	seed   maphash.Seed
	keys   []uniqueKey
	seen   []keyedChunks
	groups []map[uint64][]keyed // after Finish: only values on several rows
	n      int
}

type keyed struct {
	hash uint64
	ord  uint32
	line uint32
}

func NewDuplicates() *Duplicates {
	keys := uniqueKeys()
	return &Duplicates{seed: maphash.MakeSeed(), keys: keys, seen: make([]keyedChunks, len(keys))}
}

// Add notes row, the next of the first read. Skipped rows take no part but
// still count as a place.
func (d *Duplicates) Add(row *Row) {
	ord := uint32(d.n)
	d.n++
	if row.Skipped {
		return
	}
	for i, k := range d.keys {
		if v := k.key(&row.Record); v != "" {
			d.seen[i].add(keyed{maphash.String(d.seed, v), ord, uint32(row.Line)})
		}
	}
}

// Finish ends the first read: it keeps the values found on several rows
// and lets go of the rest.
func (d *Duplicates) Finish() {
	d.groups = make([]map[uint64][]keyed, len(d.keys))
	var firsts []uint32
	for i := range d.seen {
		d.groups[i], firsts = repeated(&d.seen[i], firsts)
	}
	d.seen = nil
}

// keyedChunks holds a key's entries in chunks of a fixed size: growing one
// slice copied every entry several times over, most of Add's cost, and
// held the old and new arrays at once.
type keyedChunks struct {
	chunks [][]keyed
	n      int
}

const keyedChunkBits = 10

func (c *keyedChunks) add(k keyed) {
	if c.n&(1<<keyedChunkBits-1) == 0 {
		c.chunks = append(c.chunks, make([]keyed, 0, 1<<keyedChunkBits))
	}
	last := len(c.chunks) - 1
	c.chunks[last] = append(c.chunks[last], k)
	c.n++
}

func (c *keyedChunks) at(i int) keyed {
	return c.chunks[i>>keyedChunkBits][i&(1<<keyedChunkBits-1)]
}

// repeated groups the entries of seen whose hash occurs more than once,
// each group in seen's order. An open-addressing table of first
// occurrences (4 bytes a cell, at least twice as many cells as entries)
// finds them in one pass, several times faster than sorting seen. The
// table is given back for the next key's call, which reuses it: fresh
// pages cost more than clearing.
func repeated(seen *keyedChunks, firsts []uint32) (map[uint64][]keyed, []uint32) {
	groups := map[uint64][]keyed{}
	size := 1
	for size < 2*seen.n {
		size <<= 1
	}
	if cap(firsts) >= size {
		firsts = firsts[:size] // index+1 into seen; 0 is empty
		clear(firsts)
	} else {
		firsts = make([]uint32, size)
	}
	mask := uint64(size - 1)
	i := 0
	for _, chunk := range seen.chunks {
	next:
		for _, k := range chunk {
			i++
			c := k.hash & mask
			for ; firsts[c] != 0; c = (c + 1) & mask {
				if first := seen.at(int(firsts[c]) - 1); first.hash == k.hash {
					g := groups[k.hash]
					if g == nil {
						g = []keyed{first}
					}
					groups[k.hash] = append(g, k)
					continue next
				}
			}
			firsts[c] = uint32(i)
		}
	}
	return groups, firsts
}

// Repeated calls fn with the ordinal of every row that shares a value.
func (d *Duplicates) Repeated(fn func(ord int)) {
	for _, g := range d.groups {
		for _, rows := range g {
			for _, r := range rows {
				fn(int(r.ord))
			}
		}
	}
}

// Mark adds an error to row, the ord-th of the second read, for each value
// it shares with another row: which of them is right is for a person to
// decide. A source that marked the row already gets no second message.
func (d *Duplicates) Mark(row *Row, ord int) {
	if row.Skipped {
		return
	}
	for i, k := range d.keys {
		v := k.key(&row.Record)
		if v == "" {
			continue
		}
		group := d.groups[i][maphash.String(d.seed, v)]
		if len(group) < 2 {
			continue
		}
		msg := fmt.Sprintf("%s is also used on %s; %s", k.field, otherLines(group, ord), k.why)
		if slices.ContainsFunc(row.Problems, func(p Problem) bool { return p.Field == k.field && p.Message == msg }) {
			continue
		}
		row.Problems = append(row.Problems, Problem{
			Line: row.Line, ExternalUserID: row.Record.ExternalUserID, Field: k.field,
			Message: msg, Severity: SeverityError,
		})
	}
}

// MarkDuplicates marks the duplicates among rows held in memory.
func MarkDuplicates(rows []Row) {
	d := NewDuplicates()
	for i := range rows {
		d.Add(&rows[i])
	}
	d.Finish()
	for i := range rows {
		d.Mark(&rows[i], i)
	}
}

// otherLines names the lines of the rows in group other than self.
func otherLines(group []keyed, self int) string {
	const maxListed = 5
	var lines []string
	for _, r := range group {
		if int(r.ord) != self && len(lines) < maxListed {
			lines = append(lines, strconv.Itoa(int(r.line)))
		}
	}
	word := "line "
	if len(group) > 2 {
		word = "lines "
	}
	if more := len(group) - 1 - len(lines); more > 0 {
		return fmt.Sprintf("%s%s and %d more", word, strings.Join(lines, ", "), more)
	}
	return word + strings.Join(lines, ", ")
}
