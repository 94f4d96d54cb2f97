# Every target runs from a fresh clone; tests that need PostgreSQL get a
# throwaway server from scripts/with-postgres.sh unless
# PARCHMENT_TEST_DATABASE_URL points at one already.

GO ?= go
BIN := bin/parchment-sync

.PHONY: all build demo help test vet

all: vet test build

## build: compile the command into bin/
build:
	$(GO) build -o $(BIN) ./cmd/parchment-sync

## demo: the real job on samples/ against the Parchment stand-in and a throwaway PostgreSQL
demo: build
	scripts/with-postgres.sh scripts/demo.sh

## test: run every test, with race detection, against a throwaway PostgreSQL
test:
	scripts/with-postgres.sh $(GO) test -race -count=1 ./...

## vet: static checks
vet:
	$(GO) vet ./...

## help: list targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
