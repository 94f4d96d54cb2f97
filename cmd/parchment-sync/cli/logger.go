package cli

import (
	"fmt"
	"io"
	"log/slog"
)

// logger writes text to stderr so stdout carries only the report. It is
// for the commands without --log-format.
func (a *app) logger(level string) (*slog.Logger, error) {
	return a.cleanLogs(newLogger(a.stderr, level, logFormatText, false))
}

// loggerTo writes to w in the --log-format format, auto deciding by
// whether stderr is a terminal. w is stderr itself, or the progress
// display's Writer for it, so log lines print above live bars.
func (a *app) loggerTo(w io.Writer, level, format string) (*slog.Logger, error) {
	return a.cleanLogs(newLogger(w, level, format, isTerminal(a.stderr)))
}

func newLogger(w io.Writer, level, format string, terminal bool) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", level)
	}
	if err := checkLogFormat(format); err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: l}
	if resolveLogFormat(format, terminal) == logFormatJSON {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}
