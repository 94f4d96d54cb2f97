# Every target runs from a fresh clone; tests that need PostgreSQL get a
# throwaway server from scripts/with-postgres.sh unless
# PARCHMENT_TEST_DATABASE_URL points at one already.

GO ?= go
BIN := bin/parchment-sync

.PHONY: all bench bench-idle bench-memory bench-memory-clean bench-profile build demo help test vet

all: vet test build

## build: compile the command into bin/, static as deployed
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/parchment-sync

## demo: the real job on samples/ against the Parchment stand-in and a throwaway SQLite ledger
demo: build
	scripts/demo.sh

## test: run every test, with race detection, against a throwaway PostgreSQL
test:
	scripts/with-postgres.sh $(GO) test -race -count=1 ./...

# Each run of BenchmarkApplyCreates takes about 22 s and each run of
# BenchmarkAdaptivePacer about 2 min 45 s (its creates are paced at 20
# requests/s): five of each take about 16 minutes. A run of
# BenchmarkApplyPacing (the binary's apply at 20 requests/s: twelve runs of
# 600 creates and one of a changing limit) takes about 8 minutes. A run of
# BenchmarkManyOrganisations takes about 6 s, one of
# BenchmarkStandInAtScale about 1 s, one of BenchmarkValidateCommand (the binary's
# validate reading 10,000 employees from the KeyPay stand-in) about 2 s. One run of
# BenchmarkMemory's seven cases (1,000,000 and 100,000 rows, each command
# a subprocess of the binary) takes about 1 min 30 s today, so five take
# about 8 minutes. Each invocation also seeds PostgreSQL with 100,000 rows
# (about 1 min 15 s); the first ever seeds the SQLite ledgers it caches in
# .tmp/membench (about 10 min 30 s, 1 GB). BenchmarkIdleStartup's four
# cases take about 10 s a run; each invocation seeds PostgreSQL with 30,000
# and 1,000 rows (about 25 s), the first ever SQLite too (about 20 s).
BENCH_COUNT ?= 5
BENCH_OUT := .tmp/bench.txt
BENCH_MEMORY_OUT := .tmp/bench-memory.txt
BENCH_IDLE_OUT := .tmp/bench-idle.txt

## bench: apply 2,000 creates through the stand-in (50 ms latency, 100 requests/s), then the adaptive pacer's cases (80 ms, 20 requests/s), the same through the binary's apply, 20 organisations at once, the stand-in at 100,000 users, 10,000 employees read from the KeyPay stand-in, then BenchmarkMemory and BenchmarkIdleStartup, BENCH_COUNT times each; print medians
# The raw output stays in $(BENCH_OUT) for benchstat. benchreport fails
# when go test did, which the pipe through tee would hide. The pacer's
# benchmark needs no database; BenchmarkMemory's PostgreSQL case does.
bench:
	@mkdir -p $(dir $(BENCH_OUT))
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkApplyCreates$$' -benchtime 1x -count $(BENCH_COUNT) ./sync/ 2>&1 | tee $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^BenchmarkAdaptivePacer$$' -benchtime 1x -count $(BENCH_COUNT) ./parchment/ 2>&1 | tee -a $(BENCH_OUT)
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkApplyPacing$$' -benchtime 1x -count $(BENCH_COUNT) -timeout 0 ./internal/pacebench/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^BenchmarkManyOrganisations$$' -benchtime 1x -count $(BENCH_COUNT) ./cmd/parchment-sync/cli/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^BenchmarkStandInAtScale$$' -benchtime 1x -count $(BENCH_COUNT) ./parchment/parchmenttest/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^BenchmarkValidateCommand$$/^concurrency=8$$' -benchtime 1x -count $(BENCH_COUNT) ./internal/hris/keypay/ 2>&1 | tee -a $(BENCH_OUT)
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkMemory$$' -benchtime 1x -count $(BENCH_COUNT) -timeout 0 ./internal/membench/ 2>&1 | tee -a $(BENCH_OUT)
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkIdleStartup$$' -benchtime 1x -count $(BENCH_COUNT) -timeout 0 ./internal/membench/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) run ./internal/benchreport $(BENCH_OUT)

## bench-idle: only BenchmarkIdleStartup: the CPU per row, start-up included, of idle applies of 30,000 and 1,000 rows on SQLite and PostgreSQL, and of 30,000 with no saved index, through the binary
bench-idle:
	@mkdir -p $(dir $(BENCH_IDLE_OUT))
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkIdleStartup$$' -benchtime 1x -count $(BENCH_COUNT) -timeout 0 ./internal/membench/ 2>&1 | tee $(BENCH_IDLE_OUT)
	$(GO) run ./internal/benchreport $(BENCH_IDLE_OUT)

## bench-memory: only BenchmarkMemory: peak RSS and CPU per row of validate, plan and idle apply (1,000,000 and 100,000 rows), through the binary
# BENCH_MEMORY_ROWS and BENCH_IDLE_ROWS change the row counts. Seeded
# SQLite ledgers are cached in .tmp/membench (bench-memory-clean).
bench-memory:
	@mkdir -p $(dir $(BENCH_MEMORY_OUT))
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkMemory$$' -benchtime 1x -count $(BENCH_COUNT) -timeout 0 ./internal/membench/ 2>&1 | tee $(BENCH_MEMORY_OUT)
	$(GO) run ./internal/benchreport $(BENCH_MEMORY_OUT)

## bench-memory-clean: forget the seeded ledgers and rosters BenchmarkMemory caches
bench-memory-clean:
	rm -rf .tmp/membench

## bench-profile: CPU and heap profiles of the idle applies and the plan, in-process, into .tmp/profile (profile-summary.md)
bench-profile:
	BENCH_PROFILE_DIR=.tmp/profile scripts/with-postgres.sh $(GO) test -run '^TestProfiles$$' -count 1 -timeout 0 -v ./internal/membench/

## vet: static checks
vet:
	$(GO) vet ./...

## help: list targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
