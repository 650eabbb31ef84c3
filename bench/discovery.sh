#!/usr/bin/env bash
# Proactive discovery against its budget in shared/ARCHITECTURE.md: "discovery: 1,000,000 residents
# across 13 department files imported, matched and screened, two cores: ≤ 60 s, peak memory ≤ 2 GiB"
# (DISCOVERY_SECONDS_MAX, DISCOVERY_PEAK_MIB_MAX in bench/budgets.env).
#
# Generates the 13 files for 1,000,000 residents (bench/discovery/generate.py; kept under
# target/discovery-bench/, keyed by the generator, the file specifications and the standards, so a
# rerun skips it), then on SQLite and on PostgreSQL (when scripts/lib/postgres.sh can start it):
# a fresh database, each file through `server discover import KIND FILE --json` (disability and
# students as .xlsx, the others as .csv), then `server discover run --json`, each step under
# /usr/bin/time. The figure is the sum of the steps' wall times and the largest peak memory of any
# step; each step prints its rows per second, and its report is checked against what the generator
# says the files hold (bench/discovery/report.py).
# Then the rules engine (`server screen`) and the OpenFisca model (bench/openfisca) screen the §3.5
# requests of the same households: their households per second, printed without a budget, and
# OpenFisca must find, household by household, what the rules engine finds for dibao, tekun and
# marginal.
# Prints every figure, then exits 1 when a budget is missed or a check failed.
# Usage: discovery.sh      BENCH_DISCOVERY_RESIDENTS changes 1,000,000 (then no budget applies).
# Needs: cargo build --release -p server --bin server
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/scripts/lib/setup.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/bench/budget.sh"
cd "$ROOT"
export PYTHONDONTWRITEBYTECODE=1 RUST_LOG=warn

residents="${BENCH_DISCOVERY_RESIDENTS:-1000000}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
server_bin="$target/release/server"
[ -x "$server_bin" ] || die "$server_bin is missing: cargo build --release -p server --bin server"
[ -x /usr/bin/time ] || apt_install time

# Python packages, each in its own venv under .tools: openpyxl for the .xlsx files, openfisca-core
# for the comparison.
OPENPYXL_VERSION="3.1.5"
OPENFISCA_CORE_VERSION="46.0.1"
ensure_venv() {
  local venv="$1" package="$2" version="$3"
  if [ "$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$package'))" 2>/dev/null)" != "$version" ]; then
    say "Installing $package $version from PyPI into ${venv#"$ROOT"/}"
    have python3 || apt_install python3
    python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version"
  fi
}
ensure_venv "$TOOLS/bench-venv" openpyxl "$OPENPYXL_VERSION"
ensure_venv "$TOOLS/openfisca-venv" openfisca-core "$OPENFISCA_CORE_VERSION"

KINDS=(household_register deaths disability serious_illness medical_costs pensions wages unemployment
  vehicles real_estate business students rural_monitoring)
XLSX_KINDS=(disability students)

work="$(mktemp -d)"
database=""
admin_url=""
# shellcheck disable=SC2317  # run by the trap below
cleanup() {
  if [ -n "$database" ]; then
    "$(pg_bin)/psql" -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failed=0

# The files, generated once per version of the generator, the specifications and the standards.
key="$(cat bench/discovery/generate.py discovery/files/*.json rules/standards/sample-2026.json | sha256sum | cut -c1-16)"
cache_root="$ROOT/target/discovery-bench"
data="$cache_root/$key-$residents"
if [ -s "$data/manifest.json" ] && [ -s "$data/households.jsonl" ]; then
  echo "discovery files for $residents residents: $data (generated before)"
else
  say "Generating the 13 department files for $residents residents"
  # Other sets (older generators, other sizes) go: the disk is limited.
  rm -rf "$cache_root"
  mkdir -p "$data.partial"
  started=$(date +%s%N)
  "$TOOLS/bench-venv/bin/python" bench/discovery/generate.py --residents "$residents" --out "$data.partial" \
    --xlsx "$(IFS=,; echo "${XLSX_KINDS[*]}")" --households-out "$data.partial/households.jsonl"
  generated_ms=$((($(date +%s%N) - started) / 1000000))
  mv "$data.partial" "$data"
  no_budget "discovery, generating $residents residents" "$(awk -v ms="$generated_ms" 'BEGIN { printf "%.1f", ms / 1000 }')" s
fi
manifest="$data/manifest.json"

file_of() {
  local kind="$1" x
  for x in "${XLSX_KINDS[@]}"; do
    if [ "$x" = "$kind" ]; then echo "$data/$kind.xlsx"; return; fi
  done
  echo "$data/$kind.csv"
}

# Runs one step under /usr/bin/time: its standard output goes to $work/step.json, its wall time (ms)
# to step_ms and its peak memory (KiB) to step_kib.
step_ms=0
step_kib=0
timed_step() {
  local started status=0
  started=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/step.memory" "$@" >"$work/step.json" 2>"$work/step.err" || status=$?
  step_ms=$((($(date +%s%N) - started) / 1000000))
  step_kib="$(tail -n 1 "$work/step.memory" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)"
  if [ "$status" != 0 ]; then
    warn "$* exited with $status"
    grep -v '^Command exited' "$work/step.err" | tail -n 15 >&2 || true
  fi
  return "$status"
}

# Imports the 13 files into a fresh database (DATABASE_URL) and runs discovery; prints each step
# and the figures of that backend against the budget.
run_backend() {
  local backend="$1"
  local total_ms=0 peak_kib=0 complete=1 kind
  # SQLite keeps the data key in a file; PostgreSQL wants it given (every instance the same).
  export PORTAL_DATA_KEY_FILE="$work/$backend.key"
  if [ "$backend" = postgres ]; then
    PORTAL_DATA_KEY="$(head -c 32 /dev/urandom | base64)"
    export PORTAL_DATA_KEY
  else
    unset PORTAL_DATA_KEY
  fi
  "$server_bin" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; die "could not create the $backend database"; }
  echo "discovery, $backend, $residents residents, $(nproc) cores:"
  for kind in "${KINDS[@]}"; do
    if ! timed_step "$server_bin" discover import "$kind" "$(file_of "$kind")" --json; then
      complete=0
      break
    fi
    total_ms=$((total_ms + step_ms))
    if ((step_kib > peak_kib)); then peak_kib=$step_kib; fi
    python3 bench/discovery/report.py import "$manifest" "$kind" "$work/step.json" "$step_ms" "$step_kib" || failed=1
  done
  if [ "$complete" = 1 ]; then
    if timed_step "$server_bin" discover run --json; then
      total_ms=$((total_ms + step_ms))
      if ((step_kib > peak_kib)); then peak_kib=$step_kib; fi
      python3 bench/discovery/report.py run "$manifest" "$work/step.json" "$step_ms" "$step_kib" || failed=1
    else
      complete=0
    fi
  fi
  local seconds="not measured" mib="not measured"
  if [ "$complete" = 1 ]; then
    seconds="$(awk -v ms="$total_ms" 'BEGIN { printf "%.1f", ms / 1000 }')"
    mib="$(awk -v k="$peak_kib" 'BEGIN { printf "%.0f", k / 1024 }')"
  else
    failed=1
  fi
  if [ "$residents" = 1000000 ]; then
    check_budget "discovery ($backend)" "$seconds" "$DISCOVERY_SECONDS_MAX" at-most s
    check_budget "discovery ($backend), peak memory" "$mib" "$DISCOVERY_PEAK_MIB_MAX" at-most MiB
  else
    no_budget "discovery ($backend), $residents residents" "$seconds" s
    no_budget "discovery ($backend), $residents residents, peak memory" "$mib" MiB
  fi
}

# The rules engine and OpenFisca on the §3.5 requests of the same households.
say "Rules engine (server screen) and OpenFisca on the households of $residents residents"
screen_status=0
"$server_bin" screen --input "$data/households.jsonl" --output "$work/screened.jsonl" 2>"$work/screen.err" \
  || screen_status=$?
cat "$work/screen.err"
screen_rate="$(sed -n 's/.* households in [0-9.]* s (\([0-9]*\) per second .*/\1/p' "$work/screen.err")"
openfisca_status=0
if [ "$screen_status" = 0 ]; then
  "$TOOLS/openfisca-venv/bin/python" bench/openfisca/run.py "$data/households.jsonl" \
    --compare "$work/screened.jsonl" >"$work/openfisca.json" || openfisca_status=$?
else
  "$TOOLS/openfisca-venv/bin/python" bench/openfisca/run.py "$data/households.jsonl" >"$work/openfisca.json" \
    || openfisca_status=$?
fi
cat "$work/openfisca.json"
openfisca_rate="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["households_per_second"])' \
  "$work/openfisca.json" 2>/dev/null || true)"
openfisca_load_rate="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["households_per_second_with_load"])' \
  "$work/openfisca.json" 2>/dev/null || true)"
rm -f "$work/screened.jsonl"
no_budget "discovery, rules engine (server screen, with JSON in and out)" "${screen_rate:-not measured}" households/s
no_budget "discovery, OpenFisca (computation only)" "${openfisca_rate:-not measured}" households/s
no_budget "discovery, OpenFisca (with loading)" "${openfisca_load_rate:-not measured}" households/s
if [ "$screen_status" != 0 ]; then
  warn "server screen failed (exit $screen_status)"
  failed=1
fi
if [ "$openfisca_status" != 0 ]; then
  warn "OpenFisca failed, or does not find what the rules engine finds (exit $openfisca_status; differences above)"
  failed=1
fi

say "Discovery on SQLite: 13 files imported, matched and screened"
export DATABASE_URL="sqlite://$work/discovery.db"
run_backend sqlite
rm -f "$work"/discovery.db*

say "Discovery on PostgreSQL: 13 files imported, matched and screened"
if (start_test_postgres) >"$work/postgres.log" 2>&1; then
  start_test_postgres >/dev/null
  admin_url="$TEST_DATABASE_URL"
  database="portal_discovery_$(date +%s)_$$"
  "$(pg_bin)/psql" -q "$admin_url" -c "CREATE DATABASE \"$database\"" >/dev/null
  export DATABASE_URL="${admin_url%/*}/$database"
  run_backend postgres
else
  tail -n 5 "$work/postgres.log" >&2
  warn "PostgreSQL did not start: discovery on PostgreSQL not measured"
  no_budget "discovery (postgres)" "not measured (PostgreSQL did not start)"
fi

exit_if_missed
if [ "$failed" != 0 ]; then
  warn "a step failed or its report disagrees with the generated files (above)"
fi
exit "$failed"
