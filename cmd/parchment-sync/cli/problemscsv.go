package cli

import (
	"io"
	"strings"

	"github.com/jszwec/csvutil"
)

// problemLine is one row of the errors CSV a practice opens in a spreadsheet.
type problemLine struct {
	Severity string `csv:"severity"`
	rowProblem
}

// encodeProblems writes errors then warnings. Every cell is defused
// against formula injection: the roster's own values (an external id such
// as "=HYPERLINK(...)") must not run when the practice opens the file.
func encodeProblems(w io.Writer, v validation) error {
	lines := make([]problemLine, 0, len(v.Errors)+len(v.Warnings))
	for _, p := range v.Errors {
		lines = append(lines, problemLine{"error", defuse(p)})
	}
	for _, p := range v.Warnings {
		lines = append(lines, problemLine{"warning", defuse(p)})
	}
	enc := csvutil.NewEncoder(newCSVWriter(w))
	if len(lines) == 0 {
		return enc.EncodeHeader(problemLine{})
	}
	return enc.Encode(lines)
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
