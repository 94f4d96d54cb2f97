package cli

import (
	"log/slog"

	"github.com/parchment-sync/parchment-sync/ledger"
)

// warnExposedLedgers warns, once per run, about each SQLite ledger that
// other users can read or change, with the command that fixes it. It
// never stops a run: the ledger has been like that for a while already.
func warnExposedLedgers(jobs []job, logger *slog.Logger) {
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.ledgerURL] {
			continue
		}
		seen[j.ledgerURL] = true
		for _, l := range ledgerExposure(j) {
			logger.Warn(l.Detail+"; fix: "+l.Fix, "organization", firstSet(j.name, j.orgID))
		}
	}
}

// ledgerExposure is check's warning lines for the job's ledger; an error
// reading it is left to opening the ledger, which reports it.
func ledgerExposure(j job) []checkLine {
	exposures, _ := ledger.Exposures(j.ledgerURL)
	var out []checkLine
	for _, e := range exposures {
		out = append(out, checkLine{Check: "ledger permissions", Status: "warn", Detail: e.Problem, Fix: e.Fix})
	}
	return out
}
