package mapping

import (
	"fmt"
	"strings"
)

// SourceError is a problem with a whole source (an empty or undecodable file,
// a missing column, a broken quote, a bad mapping file): nothing from it can
// be trusted, so the run stops before anything is sent.
type SourceError struct {
	File    string `json:"file"`            // as the caller named it; never a connection string
	Line    int    `json:"line,omitempty"`  // physical line; 0 when the problem has none
	Field   string `json:"field,omitempty"` // column or mapping key, when one applies
	Message string `json:"message"`
}

func (e *SourceError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}
