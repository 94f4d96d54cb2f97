package sync

import (
	"context"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Rows is a roster the engine reads more than once, getting the same rows
// in the same order each time: once to learn what the run must do (the
// duplicates, the leavers, who is unchanged), then again to do it. Between
// the reads it keeps a few dozen bytes a row, so a roster of any size runs
// in flat memory.
type Rows interface {
	// Each calls fn with every row in order. fn may keep nothing it is
	// given: the row may be reused. An error from fn stops the read and is
	// returned.
	Each(ctx context.Context, fn func(*mapping.Row) error) error
}

// RowSlice is a roster held in memory.
type RowSlice []mapping.Row

func (s RowSlice) Each(ctx context.Context, fn func(*mapping.Row) error) error {
	for i := range s {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(&s[i]); err != nil {
			return err
		}
	}
	return nil
}

// bitset holds one bit per row ordinal.
type bitset []uint64

func (b *bitset) set(i int) {
	for i/64 >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

func (b bitset) clear(i int) {
	if i/64 < len(b) {
		b[i/64] &^= 1 << (i % 64)
	}
}

func (b bitset) none() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}
