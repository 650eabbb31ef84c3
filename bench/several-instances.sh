#!/usr/bin/env bash
# Two instances over one PostgreSQL behind nginx, under load, one killed with SIGKILL halfway
# (shared/ARCHITECTURE.md budget: 0 lost, 0 duplicate SMS, audit chain intact). Prints
# submissions/s, p99, SMS duplicates and audit forks; exits non-zero when a budget is missed.
# Needs the release build (./scripts/test or ./scripts/run builds it), the test PostgreSQL
# (scripts/lib/postgres.sh) and the S3 test server (scripts/lib/s3.sh); scripts/bench starts both.
# BENCH_INSTANCES_SECONDS and BENCH_INSTANCES_CONCURRENCY change 60 and 32.
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/scripts/lib/s3.sh"
source "$ROOT/scripts/lib/instances.sh"
start_test_postgres
start_test_s3
echo "two instances over one PostgreSQL, one killed under load:"
INSTANCES_SECONDS="${BENCH_INSTANCES_SECONDS:-60}" \
  INSTANCES_CONCURRENCY="${BENCH_INSTANCES_CONCURRENCY:-32}" \
  run_instances_check
