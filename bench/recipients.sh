#!/usr/bin/env bash
# The monthly re-verification (在保必核) against its budget in the issue: 100,000 recipient
# households re-checked against a month of department changes in ≤ 10 s (REVERIFY_SECONDS_MAX in
# bench/budgets.env), on SQLite and on PostgreSQL (when scripts/lib/postgres.sh can start it).
#
# Generates department files for a population of assisted households (bench/discovery/generate.py
# with --poor-share 0.9: BENCH_RECIPIENTS_RESIDENTS residents, 330,000 by default, give about
# 100,000 recipient households; kept under target/recipients-bench/), then runs
# server/benches/reverify.rs, which imports them, enrols every household the rules find eligible,
# adds a month of wage changes and times December's re-check. Its counts are checked against the
# database counted independently; any mismatch fails the run. Prints every figure, then exits 1
# when the budget is missed or a check failed.
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/scripts/lib/setup.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/bench/budget.sh"
cd "$ROOT"
export PYTHONDONTWRITEBYTECODE=1 RUST_LOG=warn

residents="${BENCH_RECIPIENTS_RESIDENTS:-330000}"
key="$(cat bench/discovery/generate.py discovery/files/*.json rules/standards/sample-2026.json | sha256sum | cut -c1-16)"
cache_root="$ROOT/target/recipients-bench"
data="$cache_root/$key-$residents"
if [ ! -s "$data/manifest.json" ]; then
  say "Generating the department files of $residents residents in assisted households"
  rm -rf "$cache_root"
  mkdir -p "$data.partial"
  python3 bench/discovery/generate.py --residents "$residents" --seed 11 --poor-share 0.9 --out "$data.partial" >/dev/null
  mv "$data.partial" "$data"
fi

say "Building the re-verification bench"
cargo bench -p server --bench reverify --no-run 2>&1 | tail -n 1
failed=0
run_on() {
  local backend="$1" out
  out="$(mktemp)"
  if ! BENCH_DATABASE="$backend" cargo bench --quiet -p server --bench reverify -- "$data" >"$out"; then
    warn "the re-verification bench failed on $backend"
    failed=1
    rm -f "$out"
    return
  fi
  python3 - "$out" "$backend" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"re-verification, {sys.argv[2]}: {d['recipients']:,} recipient households, {d['records']:,} records; "
      f"{d['renewed']:,} renewed from data alone ({d['renewal_rate'] * 100:.1f}%), {d['warned']:,} warned, "
      f"{d['offered']:,} transfers offered; {d['changed']:,} households changed this month")
print(f"  stages: read {d['stages']['read']:.2f} s, check {d['stages']['check']:.2f} s, write {d['stages']['write']:.2f} s; "
      f"warnings by change: {d['by_change']}")
for m in d["mismatches"]:
    print(f"  MISMATCH {m}")
PY
  local seconds mismatches
  seconds="$(python3 -c 'import json,sys; print("%.1f" % json.load(open(sys.argv[1]))["seconds"])' "$out")"
  mismatches="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mismatches"]))' "$out")"
  [ "$mismatches" = 0 ] || failed=1
  check_budget "re-verification ($backend), 100,000 households" "$seconds" "$REVERIFY_SECONDS_MAX" at-most s
  rm -f "$out"
}

run_on sqlite
if start_test_postgres >/dev/null 2>&1; then
  run_on postgres
else
  warn "PostgreSQL could not be started: the re-verification bench ran on SQLite only"
fi
exit_if_missed
exit "$failed"
