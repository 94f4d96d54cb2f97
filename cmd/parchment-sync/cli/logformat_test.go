package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLogFormatAutoFollowsTheTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format   string
		terminal bool
		json     bool
	}{
		{"auto", false, true}, {"auto", true, false},
		{"text", false, false}, {"text", true, false},
		{"json", false, true}, {"json", true, true},
	} {
		var buf bytes.Buffer
		logger, err := newLogger(&buf, "info", tc.format, tc.terminal)
		require.NoError(t, err)
		logger.Debug("hidden")
		logger.Info("run finished", "organization", "north", "requests", 3)
		out := buf.String()
		require.Equal(t, 1, strings.Count(out, "\n"), "%s terminal=%v: %s", tc.format, tc.terminal, out)
		if tc.json {
			var rec map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &rec), out)
			require.Equal(t, "INFO", rec["level"])
			require.Equal(t, "run finished", rec["msg"])
			require.Equal(t, "north", rec["organization"])
			require.EqualValues(t, 3, rec["requests"])
		} else {
			require.Contains(t, out, `level=INFO msg="run finished" organization=north requests=3`)
		}
	}
}

func TestLogFormatInvalidNamesTheFlag(t *testing.T) {
	t.Parallel()
	_, err := newLogger(&bytes.Buffer{}, "info", "xml", false)
	require.EqualError(t, err, `--log-format must be auto, text or json, not "xml"`)
	_, err = newLogger(&bytes.Buffer{}, "loud", "json", false)
	require.ErrorContains(t, err, "--log-level")
	require.ErrorContains(t, checkLogFormat("JSON"), "--log-format")
	require.NoError(t, checkLogFormat("auto"))
}

func TestLoggerToDecidesByStderr(t *testing.T) {
	t.Parallel()
	var stderr, w bytes.Buffer
	a := &app{stderr: &stderr}
	// A buffer is no terminal: auto means JSON, written to w, not stderr.
	logger, err := a.loggerTo(&w, "warn", "auto")
	require.NoError(t, err)
	logger.Warn("held")
	require.True(t, json.Valid(w.Bytes()), w.String())
	require.Empty(t, stderr.String())

	// The commands without --log-format keep text.
	logger, err = a.logger("info")
	require.NoError(t, err)
	logger.Info("migrated")
	require.Contains(t, stderr.String(), "level=INFO msg=migrated")
}

func TestIsTerminalOnlyForTerminals(t *testing.T) {
	t.Parallel()
	require.False(t, isTerminal(&bytes.Buffer{}))
	f, err := openTemp(t)
	require.NoError(t, err)
	require.False(t, isTerminal(f))
}
