package fleet

import (
	"fmt"

	"github.com/parchment-sync/parchment-sync/ledger"
)

// LedgerURL resolves which ledger a command uses: the flag (or config file
// value) given, then PARCHMENT_LEDGER_URL, then DATABASE_URL, then the
// default SQLite file under the XDG state folder, so that a clinic without
// PostgreSQL needs no setting at all. It fails only when none is set and
// there is no home folder to put the default in.
func (a *App) LedgerURL(given string) (string, error) {
	if url := firstSet(given, a.Getenv(EnvLedgerURL), a.Getenv(EnvDatabaseURL)); url != "" {
		a.Redactor.AddURL(url)
		return url, nil
	}
	url, err := ledger.DefaultURL(a.Getenv)
	if err != nil {
		return "", fmt.Errorf("%w; set --ledger, %s or %s", err, EnvLedgerURL, EnvDatabaseURL)
	}
	return url, nil
}
