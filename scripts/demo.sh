#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh scripts/demo.sh
#
# The real job against the in-memory Parchment stand-in: plan the sample
# roster, apply it, apply it again (nothing is sent), then apply an edited
# roster (only partial updates are sent). Needs PARCHMENT_TEST_DATABASE_URL,
# which scripts/with-postgres.sh provides.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=bin/parchment-sync
[[ -x $bin ]] || go build -o "$bin" ./cmd/parchment-sync

# Demo credentials for the stand-in only; real ones come from your
# environment and never from flags.
export PARCHMENT_TOKEN=demo-token
export PARCHMENT_ORGANIZATION_SECRET=demo-organization-secret
export PARCHMENT_ORGANIZATION_ID=demo-clinic
export PARCHMENT_LEDGER_URL=$PARCHMENT_TEST_DATABASE_URL

workdir=$(mktemp -d)
sandbox_pid=
cleanup() {
	[[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
	rm -rf "$workdir"
}
trap cleanup EXIT

"$bin" sandbox --addr 127.0.0.1:0 --latency 20ms --rate 50 --log-level warn >"$workdir/sandbox.out" &
sandbox_pid=$!
for _ in $(seq 100); do
	grep -q 'base URL' "$workdir/sandbox.out" 2>/dev/null && break
	sleep 0.1
done
PARCHMENT_API_URL=$(sed -n 's/.*base URL \(http[^ ]*\).*/\1/p' "$workdir/sandbox.out")
[[ -n $PARCHMENT_API_URL ]] || { echo "demo: the stand-in did not start" >&2; exit 1; }
export PARCHMENT_API_URL

# step shows a command and runs it; exit 1 (some rows invalid) is part of
# the story, anything else stops the demo.
step() {
	printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"
	local code=0
	"${@:2}" || code=$?
	if ((code == 1)); then
		printf '(exit 1: some rows invalid; the valid ones were handled)\n'
	elif ((code != 0)); then
		exit "$code"
	fi
}

step "1. Plan the onboarding: nothing is sent" \
	"$bin" plan --csv samples/roster.csv --log-level warn
step "2. Apply it: every person is created once, at the organisation's rate" \
	"$bin" apply --csv samples/roster.csv --rate 20 --concurrency 4 --log-level warn
step "3. Apply again: an idle re-run sends nothing" \
	"$bin" apply --csv samples/roster.csv --log-level warn
step "4. The roster changed: plan shows exactly what will be sent" \
	"$bin" plan --csv samples/roster-edited.csv --log-level warn
step "5. Apply the edits: partial updates only; email changes are left for a person" \
	"$bin" apply --csv samples/roster-edited.csv --output json --log-level warn
step "6. A real export: check Deputy's CSV through its mapping (one bad HPI-I on purpose)" \
	"$bin" validate --csv samples/deputy.csv --mapping samples/deputy.yaml
step "7. Sync it into another organisation: the bad row is held back, the rest go" \
	"$bin" apply --csv samples/deputy.csv --mapping samples/deputy.yaml --organization-id demo-deputy --rate 20 --log-level warn
