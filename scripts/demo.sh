#!/usr/bin/env bash
# Usage: scripts/demo.sh
#
# The real job against the in-memory Parchment stand-in: plan the sample
# roster, apply it, apply it again (nothing is sent), then apply an edited
# roster (only partial updates are sent), and so on through the staff
# lifecycle. The ledger is a throwaway SQLite file: no PostgreSQL needed
# (set PARCHMENT_DEMO_LEDGER to use another, e.g. a postgres:// URL).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=bin/parchment-sync
[[ -x $bin ]] || go build -o "$bin" ./cmd/parchment-sync

# Demo credentials for the stand-in only; real ones come from your
# environment and never from flags.
export PARCHMENT_TOKEN=demo-token
export PARCHMENT_ORGANIZATION_SECRET=demo-organization-secret
export PARCHMENT_ORGANIZATION_ID=demo-clinic
export KEYPAY_API_KEY=demo-keypay-key
workdir=$(mktemp -d)
export PARCHMENT_LEDGER_URL=${PARCHMENT_DEMO_LEDGER:-sqlite:$workdir/ledger.db}
sandbox_pid=
cleanup() {
	[[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
	rm -rf "$workdir"
}
trap cleanup EXIT

"$bin" sandbox --addr 127.0.0.1:0 --latency 20ms --rate 50 --log-level warn \
	--hris keypay --hris-seed samples/roster-edited.csv >"$workdir/sandbox.out" &
sandbox_pid=$!
for _ in $(seq 100); do
	grep -q 'KeyPay.*base URL' "$workdir/sandbox.out" 2>/dev/null && break
	sleep 0.1
done
PARCHMENT_API_URL=$(sed -n 's/^Parchment.*base URL \(http[^ ]*\).*/\1/p' "$workdir/sandbox.out")
[[ -n $PARCHMENT_API_URL ]] || { echo "demo: the stand-in did not start" >&2; exit 1; }
export PARCHMENT_API_URL
keypay_url=$(sed -n 's/.*KeyPay.*base URL \(http[^ ]*\).*/\1/p' "$workdir/sandbox.out")

# step shows a command and runs it; exit 1 (some rows invalid) and exit 4
# (held by the mass-leaver guard) are part of the story, anything else
# stops the demo.
step() {
	printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"
	local code=0
	"${@:2}" || code=$?
	case $code in
	0) ;;
	1) printf '(exit 1: some rows invalid; the valid ones were handled)\n' ;;
	4) printf '(exit 4)\n' ;;
	*) exit "$code" ;;
	esac
}

step "1. Plan the onboarding: nothing is sent" \
	"$bin" plan --csv samples/roster.csv --log-level warn --log-format text
step "2. Apply it: every person is created once, at the organisation's rate" \
	"$bin" apply --csv samples/roster.csv --rate 20 --concurrency 4 --log-level warn --log-format text
step "3. Apply again: an idle re-run sends nothing" \
	"$bin" apply --csv samples/roster.csv --log-level warn --log-format text
step "4. A month later the roster changed: plan shows exactly what will be sent" \
	"$bin" plan --csv samples/roster-edited.csv --log-level warn --log-format text
step "5. Apply it: a joiner, a rename, a qualifications change, a new provider number and a role change are sent; the leaver (end_date passed) is disabled; the person missing from the export is reported, not yet disabled; the email change is left for a person" \
	"$bin" apply --csv samples/roster-edited.csv --output json --log-level warn --log-format text
step "6. The next night: still missing from the export (2 applies, --absent-runs 2), so disabled" \
	"$bin" apply --csv samples/roster-edited.csv --log-level warn --log-format text
step "7. The leaver returns (end date cleared): enabled, then her roles are restored" \
	"$bin" apply --csv samples/roster-returned.csv --log-level warn --log-format text
step "8. A truncated export (4 of 12 people): the mass-leaver guard holds the run and sends nothing" \
	"$bin" apply --csv samples/roster-truncated.csv --log-level warn --log-format text
step "9. A real export: check Deputy's CSV through its mapping (one bad HPI-I on purpose)" \
	"$bin" validate --csv samples/deputy.csv --mapping samples/deputy.yaml
step "10. Sync it into another organisation: the bad row is held back, the terminated employee is not created, the rest go" \
	"$bin" apply --csv samples/deputy.csv --mapping samples/deputy.yaml --organization-id demo-deputy --rate 20 --log-level warn --log-format text
step "11. No file at all: read staff straight from Employment Hero Payroll (its stand-in), qualifications and all; the terminated employee is not created" \
	"$bin" apply --keypay-business 4321 --keypay-url "$keypay_url" --keypay-qualifications --mapping samples/keypay.yaml --organization-id demo-keypay --rate 20 --log-level warn --log-format text
