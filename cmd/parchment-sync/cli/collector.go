package cli

import "runtime/debug"

// Garbage collection of a one-shot plan or apply: a run's garbage is the
// roster's records, read once, and at the default GOGC of 100 a small
// organisation's run collects every few megabytes while its live heap is
// a few. Collecting at five times the live heap instead took an idle apply
// of 30,000 rows from 133 to 119 ms of CPU (BENCHMARKS.md, "Idle
// start-up"); the memory limit holds a million-person ledger's run to what
// it used at the default (193 MB of RSS, BenchmarkMemory). The worker, which lives for days, keeps the
// runtime's defaults, as does anyone who sets GOGC or GOMEMLIMIT.
const (
	oneShotGCPercent   = 400
	oneShotMemoryLimit = 160 << 20
)

// tuneCollector sets the collector for a one-shot run unless the
// environment already does.
func (a *app) tuneCollector() {
	if a.getenv("GOGC") != "" || a.getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(oneShotGCPercent)
	debug.SetMemoryLimit(oneShotMemoryLimit)
}
