package fleet

import (
	"log/slog"

	"github.com/parchment-sync/parchment-sync/ledger"
)

// warnExposedLedgers warns, once per run, about each SQLite ledger that
// other users can read or change, with the command that fixes it. It
// never stops a run: the ledger has been like that for a while already.
func warnExposedLedgers(jobs []Job, logger *slog.Logger) {
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.LedgerURL] {
			continue
		}
		seen[j.LedgerURL] = true
		for _, l := range ledgerExposure(j) {
			logger.Warn(l.Detail+"; fix: "+l.Fix, "organization", firstSet(j.Name, j.OrgID))
		}
	}
}

// ledgerExposure is check's warning lines for the job's ledger; an error
// reading it is left to opening the ledger, which reports it.
func ledgerExposure(j Job) []CheckLine {
	exposures, _ := ledger.Exposures(j.LedgerURL)
	var out []CheckLine
	for _, e := range exposures {
		out = append(out, CheckLine{Check: "ledger permissions", Status: "warn", Detail: e.Problem, Fix: e.Fix})
	}
	return out
}
