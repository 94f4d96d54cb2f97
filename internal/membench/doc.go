// Package membench measures issue #8's figures end to end, through the
// real binary run as a subprocess: the peak RSS of validate, plan and an
// idle apply of a million rows (goal ≤ 256 MB each), and the CPU an idle
// apply of 100,000 synced rows costs per row (goal ≤ 5 µs, on SQLite and
// PostgreSQL). "Idle" means every row is already synced and unchanged, so
// nothing is sent. BenchmarkIdleStartup (startup_test.go) measures the
// same idle apply at 30,000 and 1,000 rows, where the fixed start-up cost
// is a large share (issue #23: ≤ 5 µs a row at 30,000).
//
// Everything is in the tests: BenchmarkMemory (membench_test.go) and the
// opt-in TestProfiles (profile_test.go). See BENCHMARKS.md and `make
// bench-memory`.
//
// Seeded SQLite ledgers and the rosters are cached in .tmp/membench/ at the
// module root, keyed by row count, seedVersion and a hash of migrations/;
// `make bench-memory-clean` (or rm -rf .tmp/membench) clears them, and
// BENCH_MEMORY_RESEED=1 reseeds them once.
package membench
