// Package pacebench measures issue #23's pacing figures end to end: the
// built binary's apply sends a roster of creates to the Parchment
// stand-in, which limits the organisation and answers after a jittered
// latency, and the figures are counted on the stand-in's side: the share
// of the limit used and the share of requests answered 429.
//
// BenchmarkApplyPacing is in the tests; Trace and Settled, here, are the
// stand-in-side record it and parchment's BenchmarkAdaptivePacer share.
// See BENCHMARKS.md, "Pacing through the whole command".
package pacebench
