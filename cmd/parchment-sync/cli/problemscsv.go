package cli

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/jszwec/csvutil"
)

// problemLine is one problem with its severity: a row of the errors CSV and
// a line of validate's text report.
type problemLine struct {
	Severity string `csv:"severity"`
	rowProblem
}

// problemLines lists errors, then warnings.
func problemLines(v validation) []problemLine {
	lines := make([]problemLine, 0, len(v.Errors)+len(v.Warnings))
	for _, p := range v.Errors {
		lines = append(lines, problemLine{"error", p})
	}
	for _, p := range v.Warnings {
		lines = append(lines, problemLine{"warning", p})
	}
	return lines
}

// encodeProblems writes errors then warnings. Every cell is defused
// against formula injection: the roster's own values (an external id such
// as "=HYPERLINK(...)") must not run when the practice opens the file.
func encodeProblems(w io.Writer, v validation) error {
	lines := problemLines(v)
	for i := range lines {
		lines[i].rowProblem = defuse(lines[i].rowProblem)
	}
	cw := csv.NewWriter(w)
	enc := csvutil.NewEncoder(cw)
	var err error
	if len(lines) == 0 {
		err = enc.EncodeHeader(problemLine{})
	} else {
		err = enc.Encode(lines)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func defuse(p rowProblem) rowProblem {
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
