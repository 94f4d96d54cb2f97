//go:build unix

package membench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
)

// Every row of rostertest's roster has this phone; without its leading 0
// (as Excel leaves it) the row stays valid and carries one warning.
const (
	fullPhone = ",0412345678,"
	lostZero  = ",412345678,"
)

// warnedRoster returns the path of the roster roster(n) gives with every
// phone's leading 0 dropped: n rows, each valid with one warning.
func (h *harness) warnedRoster(n int) (string, error) {
	return h.cached(fmt.Sprintf("roster-%d-warned-%s.csv", n, seedVersion), func(w io.Writer) error {
		return writeWarned(w, n)
	})
}

func writeWarned(w io.Writer, n int) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(rostertest.WriteCSV(pw, n)) }()
	defer func() { _ = pr.Close() }()
	sc := bufio.NewScanner(pr)
	bw := bufio.NewWriterSize(w, 64<<10)
	for line := 0; sc.Scan(); line++ {
		text := sc.Text()
		if line > 0 {
			if !strings.Contains(text, fullPhone) {
				return fmt.Errorf("roster line %d has no phone %s to drop the 0 of", line+1, fullPhone)
			}
			text = strings.Replace(text, fullPhone, lostZero, 1)
		}
		_, _ = bw.WriteString(text + "\n")
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return bw.Flush()
}

// expectWarned checks validate's JSON report of warnedRoster(n): every
// row valid, no error, and one phone warning a row, in line order.
func expectWarned(path string, n int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	var v struct {
		Rows, Valid, Invalid int
		Errors               []json.RawMessage
		Warnings             []struct {
			Line  int    `json:"line"`
			Field string `json:"field"`
		}
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&v); err != nil {
		return fmt.Errorf("validate's report: %w", err)
	}
	if v.Rows != n || v.Valid != n || v.Invalid != 0 || len(v.Errors) != 0 || len(v.Warnings) != n {
		return fmt.Errorf("validate: %d rows, %d valid, %d invalid, %d errors, %d warnings; want %d valid with a warning each",
			v.Rows, v.Valid, v.Invalid, len(v.Errors), len(v.Warnings), n)
	}
	for i, w := range v.Warnings {
		if w.Line != i+2 || w.Field != "phone" {
			return fmt.Errorf("warning %d is on line %d, field %s; want line %d, phone", i, w.Line, w.Field, i+2)
		}
	}
	return nil
}
