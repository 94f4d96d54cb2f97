package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/parchment-sync/parchment-sync/ledger"
)

// checkLedger opens the job's ledger read-only and reads its history: a
// ledger that does not exist yet is fine (the first apply creates it), and
// one apply has yet to migrate is a warning.
func (a *App) checkLedger(ctx context.Context, j Job, logger *slog.Logger) CheckLine {
	store, err := ledger.Open(ctx, j.LedgerURL, logger, ledger.ReadOnly())
	var schema *ledger.SchemaError
	switch {
	case errors.Is(err, ledger.ErrNoLedger):
		return CheckLine{Check: "ledger", Status: "ok", Detail: "no ledger yet: the first apply creates it"}
	case errors.As(err, &schema):
		return CheckLine{Check: "ledger", Status: "warn", Detail: "reachable; the next apply migrates it first: " + strings.Join(schema.Pending, ", "),
			Fix: "plan, runs and show refuse it until then"}
	case err != nil:
		return CheckLine{Check: "ledger", Status: "fail", Detail: err.Error(),
			Fix: "set " + j.where("ledger") + " to a ledger that answers", severity: SeverityOf(LedgerErr(err))}
	}
	defer store.Close()
	runs, err := store.Runs(ctx, ledger.RunFilter{OrganizationID: j.OrgID, Limit: 1})
	if err != nil {
		return CheckLine{Check: "ledger", Status: "fail", Detail: err.Error(), Fix: "check the ledger's permissions", severity: Aborted}
	}
	detail := "reachable and migrated; no run yet for this organisation"
	if len(runs) > 0 {
		detail = fmt.Sprintf("reachable and migrated; last run %d (%s, %s)", runs[0].ID, runs[0].Mode, runs[0].Outcome)
	}
	return CheckLine{Check: "ledger", Status: "ok", Detail: detail}
}
