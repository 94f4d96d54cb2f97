# Every target runs from a fresh clone; tests that need PostgreSQL get a
# throwaway server from scripts/with-postgres.sh unless
# PARCHMENT_TEST_DATABASE_URL points at one already.

GO ?= go
BIN := bin/parchment-sync

.PHONY: all bench build demo help test vet

all: vet test build

## build: compile the command into bin/
build:
	$(GO) build -o $(BIN) ./cmd/parchment-sync

## demo: the real job on samples/ against the Parchment stand-in and a throwaway SQLite ledger
demo: build
	scripts/demo.sh

## test: run every test, with race detection, against a throwaway PostgreSQL
test:
	scripts/with-postgres.sh $(GO) test -race -count=1 ./...

# Each run of BenchmarkApplyCreates takes about 22 s and each run of
# BenchmarkAdaptivePacer about 2 min 45 s (its creates are paced at 20
# requests/s): five of each take about 16 minutes.
BENCH_COUNT ?= 5
BENCH_OUT := .tmp/bench.txt

## bench: apply 2,000 creates through the stand-in (50 ms latency, 100 requests/s), then the adaptive pacer's cases (80 ms, 20 requests/s), BENCH_COUNT times each; print medians
# The raw output stays in $(BENCH_OUT) for benchstat. benchreport fails
# when go test did, which the pipe through tee would hide. The pacer's
# benchmark needs no database.
bench:
	@mkdir -p $(dir $(BENCH_OUT))
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench '^BenchmarkApplyCreates$$' -benchtime 1x -count $(BENCH_COUNT) ./sync/ 2>&1 | tee $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^BenchmarkAdaptivePacer$$' -benchtime 1x -count $(BENCH_COUNT) ./parchment/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) run ./internal/benchreport $(BENCH_OUT)

## vet: static checks
vet:
	$(GO) vet ./...

## help: list targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
