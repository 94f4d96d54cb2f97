package fleet

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/jszwec/csvutil"
)

// ProblemLine is one problem with its severity: a row of the errors CSV and
// a line of validate's text report.
type ProblemLine struct {
	Severity string `csv:"severity"`
	RowProblem
}

// eachProblem calls fn with every error, then every warning.
func (v *Validation) eachProblem(fn func(ProblemLine) error) error {
	if err := v.errors.each(func(p RowProblem) error { return fn(ProblemLine{"error", p}) }); err != nil {
		return err
	}
	return v.warnings.each(func(p RowProblem) error { return fn(ProblemLine{"warning", p}) })
}

// EachByLine calls fn with every problem in line order, a line's errors
// before its warnings. Both lists are in line order already (rows are read
// in order), so merging them is enough.
func (v *Validation) EachByLine(fn func(ProblemLine) error) error {
	errs, err := v.errors.reader()
	if err != nil {
		return err
	}
	warns, err := v.warnings.reader()
	if err != nil {
		return err
	}
	e, eok, err := errs.next()
	if err != nil {
		return err
	}
	w, wok, err := warns.next()
	for err == nil && (eok || wok) {
		if eok && (!wok || e.Line <= w.Line) {
			if err = fn(ProblemLine{"error", e}); err == nil {
				e, eok, err = errs.next()
			}
		} else if err = fn(ProblemLine{"warning", w}); err == nil {
			w, wok, err = warns.next()
		}
	}
	return err
}

// encodeProblems writes errors then warnings. Every cell is defused
// against formula injection: the roster's own values (an external id such
// as "=HYPERLINK(...)") must not run when the practice opens the file.
func encodeProblems(w io.Writer, v *Validation) error {
	cw := csv.NewWriter(w)
	enc := csvutil.NewEncoder(cw)
	err := v.eachProblem(func(p ProblemLine) error {
		p.RowProblem = defuse(p.RowProblem)
		return enc.Encode(p)
	})
	if err == nil && v.errors.n+v.warnings.n == 0 {
		err = enc.EncodeHeader(ProblemLine{})
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func defuse(p RowProblem) RowProblem {
	p.ExternalUserID, p.Field, p.Message = defuseCell(p.ExternalUserID), defuseCell(p.Field), defuseCell(p.Message)
	return p
}

// defuseCell prefixes a quote to a cell a spreadsheet would read as a
// formula (OWASP's CSV injection guidance).
func defuseCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
