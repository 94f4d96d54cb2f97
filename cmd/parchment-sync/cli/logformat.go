package cli

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// Log formats for --log-format. auto suits both audiences: a person at a
// terminal reads text, a scheduler's log collector parses JSON lines.
const (
	logFormatAuto = "auto"
	logFormatText = "text"
	logFormatJSON = "json"
)

func checkLogFormat(format string) error {
	switch format {
	case logFormatAuto, logFormatText, logFormatJSON:
		return nil
	}
	return fmt.Errorf("--log-format must be auto, text or json, not %q", format)
}

// resolveLogFormat turns auto into text or json for a stderr that is (or
// is not) a terminal.
func resolveLogFormat(format string, terminal bool) string {
	if format != logFormatAuto {
		return format
	}
	if terminal {
		return logFormatText
	}
	return logFormatJSON
}

// isTerminal reports whether w is a terminal. Only an *os.File can be one:
// a test's buffer, or any wrapper, is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
