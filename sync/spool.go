package sync

import (
	"bufio"
	"container/heap"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

// spool keeps a run's changes or failures, however many, in flat memory:
// they gather in a chunk, and a full chunk is sorted and written to a
// temporary file. Reading merges the sorted chunks. The file holds what the
// report holds (ids, fields' names, masked messages, never a value) and is
// unlinked as soon as it is made, so it goes when the process does.
type spool[T any] struct {
	cmp    func(a, b T) int
	chunk  []T
	file   *os.File
	chunks []section // in the file, each sorted
	n      int
}

type section struct{ off, size int64 }

// spoolChunk is how many items a run holds before writing them out: about
// a megabyte.
const spoolChunk = 4096

func newSpool[T any](cmp func(a, b T) int) *spool[T] { return &spool[T]{cmp: cmp} }

func (s *spool[T]) add(items ...T) error {
	s.n += len(items)
	s.chunk = append(s.chunk, items...)
	if len(s.chunk) < spoolChunk {
		return nil
	}
	return s.spill()
}

func (s *spool[T]) spill() error {
	if s.file == nil {
		f, err := os.CreateTemp("", "parchment-sync-report-*")
		if err != nil {
			return fmt.Errorf("report spool: %w", err)
		}
		_ = os.Remove(f.Name()) // kept open; gone once closed, even after a kill
		s.file = f
	}
	slices.SortStableFunc(s.chunk, s.cmp)
	off, err := s.file.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("report spool: %w", err)
	}
	w := bufio.NewWriter(s.file)
	enc := json.NewEncoder(w)
	for _, it := range s.chunk {
		if err := enc.Encode(it); err != nil {
			return fmt.Errorf("report spool: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("report spool: %w", err)
	}
	end, err := s.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("report spool: %w", err)
	}
	s.chunks = append(s.chunks, section{off, end - off})
	s.chunk = s.chunk[:0]
	return nil
}

// spilled reports whether any chunk went to the file.
func (s *spool[T]) spilled() bool { return len(s.chunks) > 0 }

// each calls fn with every item in order (stable: ties keep the order they
// were added in).
func (s *spool[T]) each(fn func(T) error) error {
	slices.SortStableFunc(s.chunk, s.cmp)
	if !s.spilled() {
		for _, it := range s.chunk {
			if err := fn(it); err != nil {
				return err
			}
		}
		return nil
	}
	m := &merge[T]{cmp: s.cmp}
	for i, c := range s.chunks {
		r := &cursor[T]{dec: json.NewDecoder(bufio.NewReaderSize(io.NewSectionReader(s.file, c.off, c.size), 4096)), order: i}
		if err := m.push(r); err != nil {
			return err
		}
	}
	// The chunk still in memory comes last among equals.
	m.push(&cursor[T]{mem: s.chunk, order: len(s.chunks)})
	for m.Len() > 0 {
		c := m.cursors[0]
		if err := fn(c.cur); err != nil {
			return err
		}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
		}
	}
	return nil
}

// first returns up to n items in order.
func (s *spool[T]) first(n int) ([]T, error) {
	out := make([]T, 0, min(n, s.n))
	errEnough := fmt.Errorf("enough")
	err := s.each(func(it T) error {
		if len(out) == n {
			return errEnough
		}
		out = append(out, it)
		return nil
	})
	if err == errEnough {
		err = nil
	}
	return out, err
}

func (s *spool[T]) close() {
	if s.file != nil {
		_ = s.file.Close()
		s.file = nil
	}
}

// cursor reads one sorted chunk.
type cursor[T any] struct {
	dec   *json.Decoder
	mem   []T
	cur   T
	order int
}

func (c *cursor[T]) next() (bool, error) {
	if c.dec == nil {
		if len(c.mem) == 0 {
			return false, nil
		}
		c.cur, c.mem = c.mem[0], c.mem[1:]
		return true, nil
	}
	var v T
	if err := c.dec.Decode(&v); err == io.EOF {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("report spool: %w", err)
	}
	c.cur = v
	return true, nil
}

// merge is a heap of cursors by their current item, then chunk order.
type merge[T any] struct {
	cmp     func(a, b T) int
	cursors []*cursor[T]
}

func (m *merge[T]) push(c *cursor[T]) error {
	ok, err := c.next()
	if ok {
		heap.Push(m, c)
	}
	return err
}

func (m *merge[T]) Len() int { return len(m.cursors) }
func (m *merge[T]) Less(i, j int) bool {
	a, b := m.cursors[i], m.cursors[j]
	if c := m.cmp(a.cur, b.cur); c != 0 {
		return c < 0
	}
	return a.order < b.order
}
func (m *merge[T]) Swap(i, j int) { m.cursors[i], m.cursors[j] = m.cursors[j], m.cursors[i] }
func (m *merge[T]) Push(x any)    { m.cursors = append(m.cursors, x.(*cursor[T])) }
func (m *merge[T]) Pop() any {
	c := m.cursors[len(m.cursors)-1]
	m.cursors = m.cursors[:len(m.cursors)-1]
	return c
}
