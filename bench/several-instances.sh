#!/usr/bin/env bash
# Two instances over one PostgreSQL behind nginx, under load, one killed with SIGKILL halfway
# (shared/ARCHITECTURE.md budget: 0 lost, 0 duplicate SMS, audit chain intact; INSTANCES_* in
# bench/budgets.env). Prints submissions/s, p99, lost submissions, SMS duplicates and the audit
# chain's breaks (0 when `server audit verify` passes), each beside its budget; exits non-zero when
# a budget is missed or a check fails.
# Needs the release build (./scripts/test or ./scripts/run builds it), the test PostgreSQL
# (scripts/lib/postgres.sh) and the S3 test server (scripts/lib/s3.sh); scripts/bench starts both.
# BENCH_INSTANCES_SECONDS and BENCH_INSTANCES_CONCURRENCY change 60 and 32.
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/bench/budget.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/scripts/lib/s3.sh"
source "$ROOT/scripts/lib/instances.sh"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "two instances over one PostgreSQL, one killed under load:"
# In a subshell, so that a check which dies still leaves the figures below to print; its output
# is kept to read the audit chain's verdict and which figures were measured.
set +e
(
  set -e
  start_test_postgres
  start_test_s3
  INSTANCES_SECONDS="${BENCH_INSTANCES_SECONDS:-60}" \
    INSTANCES_CONCURRENCY="${BENCH_INSTANCES_CONCURRENCY:-32}" \
    run_instances_check
) 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# several-instances.mjs prints these two itself; if it stopped before them, they were not measured.
for figure in "acknowledged submissions lost:INSTANCES_LOST_MAX" "duplicate SMS:INSTANCES_DUPLICATE_SMS_MAX"; do
  name="two instances, ${figure%%:*}" budget="${figure##*:}"
  if ! grep -q "^$name: " "$out"; then
    check_budget "$name" "not measured" "${!budget}" at-most
  fi
done
if grep -q '^ok   the audit chain is intact' "$out"; then
  breaks=0
elif grep -q '^FAIL the audit chain' "$out"; then
  breaks=1
else
  breaks="not measured"
fi
check_budget "two instances, audit chain breaks" "$breaks" "$INSTANCES_AUDIT_BREAKS_MAX" at-most
exit_if_missed
exit "$status"
