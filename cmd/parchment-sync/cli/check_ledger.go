package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/parchment-sync/parchment-sync/ledger"
)

// checkLedger opens the job's ledger and reads its history. A SQLite
// ledger that does not exist yet is fine: the first run creates it.
func (a *app) checkLedger(ctx context.Context, j job, logger *slog.Logger) checkLine {
	if path, ok := strings.CutPrefix(j.ledgerURL, "sqlite:"); ok && !strings.HasPrefix(path, "//") {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			return checkLine{Check: "ledger", Status: "ok", Detail: "sqlite:" + path + " does not exist yet: the first run creates it"}
		}
	}
	store, err := ledger.Open(ctx, j.ledgerURL, logger)
	if err != nil {
		return checkLine{Check: "ledger", Status: "fail", Detail: err.Error(),
			Fix: "set " + j.where("ledger") + " to a ledger that answers", code: codeOf(ledgerErr(err))}
	}
	defer store.Close()
	runs, err := store.Runs(ctx, ledger.RunFilter{OrganizationID: j.orgID, Limit: 1})
	if err != nil {
		return checkLine{Check: "ledger", Status: "fail", Detail: err.Error(), Fix: "check the ledger's permissions", code: ExitAborted}
	}
	detail := "reachable and migrated; no run yet for this organisation"
	if len(runs) > 0 {
		detail = fmt.Sprintf("reachable and migrated; last run %d (%s, %s)", runs[0].ID, runs[0].Mode, runs[0].Outcome)
	}
	return checkLine{Check: "ledger", Status: "ok", Detail: detail}
}
