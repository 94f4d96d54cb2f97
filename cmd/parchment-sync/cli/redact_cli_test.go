package cli

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/redact"
)

// echoingServer refuses every call with an error that echoes the request's
// headers, as a misconfigured proxy or a careless server does, with
// personal details in the forms redaction once missed.
func echoingServer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var dump []string
		for k, vs := range r.Header {
			dump = append(dump, k+": "+strings.Join(vs, ","))
		}
		body, _ := json.Marshal(map[string]any{
			"success": false, "statusCode": 422, "code": "VALIDATION_ERROR",
			"message": "rejected request with headers " + strings.Join(dump, "; "),
			"error": map[string]any{
				"title":  "Validation failed for x-organization-secret: " + r.Header.Get("x-organization-secret"),
				"detail": "request headers " + strings.Join(dump, "; ") + "; user born 14/03/1978 (14 March 1978), phone (04) 1234-5678, HPI-I 8003-6149-0002-9560",
				"validation": []map[string]string{
					{"field": "phone", "message": r.Header.Get("Authorization") + " is not a valid number"},
				},
			},
			"requestId": "req_20261205_1234567890",
		})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write(body)
	})
}

func TestEchoedSecretsReachNoOutput(t *testing.T) {
	t.Parallel()
	h := setupHostile(t, echoingServer())
	res := h.apply(3, "--output", "json", "--log-level", "debug", "--log-format", "json")
	require.Equal(t, ExitFailures, res.code, res.stderr)

	runID, attempts := h.attempts()
	require.NotEmpty(t, attempts)
	id := strconv.FormatInt(runID, 10)
	failuresCSV := filepath.Join(h.dir, "failures.csv")
	shown := h.runWith(h.vars(), "show", id, "--output", "json", "--failures-csv", failuresCSV)
	require.Equal(t, ExitOK, shown.code, shown.stderr)
	shownText := h.runWith(h.vars(), "show", id)
	require.Equal(t, ExitOK, shownText.code, shownText.stderr)
	csv, err := os.ReadFile(failuresCSV)
	require.NoError(t, err)
	var ledgerText strings.Builder
	for _, a := range attempts {
		ledgerText.WriteString(a.Error + "\n")
	}

	outputs := map[string]string{
		"stderr": res.stderr, "JSON report": res.stdout, "show --output json": shown.stdout,
		"show": shownText.stdout, "--failures-csv": string(csv), "ledger attempts": ledgerText.String(),
	}
	canaries := []string{h.token, h.secret, "14/03/1978", "14 March 1978", "(04) 1234-5678", "8003-6149-0002-9560"}
	for name, out := range outputs {
		require.NotEmpty(t, out, name)
		for _, c := range canaries {
			require.NotContains(t, out, c, "%s leaks %q", name, c)
		}
	}
	require.Contains(t, res.stdout, "req_20261205_1234567890", "request ids are kept whole")
	require.Contains(t, shownText.stdout, "req_20261205_1234567890")
	require.Contains(t, ledgerText.String(), "[redacted]", "the attempts say what was removed")
	require.Contains(t, res.stdout, "x-organization-secret", "the header's name stays")
}

// A database's error text never carries the password of its URL, and no
// log line carries a secret, whatever a caller logs.
func TestDatabasePasswordsReachNoOutput(t *testing.T) {
	t.Parallel()
	h := setupHostile(t, echoingServer())
	const password = "pw-CANARY-source-db-42"
	res := h.runWith(h.vars(), "apply", "--source-db", "postgres://staff:"+password+"@127.0.0.1:1/staff?connect_timeout=2",
		"--source-query", "select 1", "--log-level", "debug")
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "staff database")
	require.NotContains(t, res.stderr, password)
	require.NotContains(t, res.stdout, password)
}

func TestLogsCarryNoRegisteredSecret(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	a := &app{stderr: &out, redactor: redact.New("sec-CANARY-log")}
	logger, err := a.loggerTo(&out, "debug", logFormatJSON)
	require.NoError(t, err)
	logger.With("context", "sec-CANARY-log").WithGroup("g").Warn("failed: sec-CANARY-log",
		"error", errors.New("server said Bearer abc and sec-CANARY-log"), "request_id", "req_123456789",
		slog.Group("nested", "value", "sec-CANARY-log"))
	require.NotContains(t, out.String(), "sec-CANARY-log")
	require.NotContains(t, out.String(), "Bearer abc")
	require.Contains(t, out.String(), "req_123456789", "request ids stay whole")
	require.Equal(t, 5, strings.Count(out.String(), "[redacted]"), out.String())
}
