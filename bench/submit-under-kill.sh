#!/usr/bin/env bash
# Acknowledged submissions after kill -9 of the server under load (shared/ARCHITECTURE.md budget:
# 0 lost; KILL_LOST_MAX in bench/budgets.env). Starts a fresh database and the release server,
# sends submissions from idempotent clients for 60 s, kill -9s the server every 12 s and restarts it
# at once (same port, database and data key), kills it once more after the load, then checks every
# 201 against the database.
# Prints every figure, then exits 1 when the budget is missed or the load or the check failed.
# Usage: submit-under-kill.sh sqlite
#        submit-under-kill.sh postgres POSTGRES_ADMIN_URL   (a fresh database is created there)
# Needs: cargo build --release -p server --bin server --example submit_load
# BENCH_KILL_SECONDS, BENCH_KILL_CONCURRENCY and BENCH_KILL_INTERVAL change 60, 64 and 12.
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/bench/budget.sh"

backend="${1:-}"
seconds="${BENCH_KILL_SECONDS:-60}"
concurrency="${BENCH_KILL_CONCURRENCY:-64}"
interval="${BENCH_KILL_INTERVAL:-12}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
server_bin="$target/release/server"
load_bin="$target/release/examples/submit_load"
for bin in "$server_bin" "$load_bin"; do
  [ -x "$bin" ] || die "$bin is missing: cargo build --release -p server --bin server --example submit_load"
done

work="$(mktemp -d)"
server=""
load=""
admin_url=""
database=""
# shellcheck disable=SC2317  # run by the trap below
cleanup() {
  local pid
  for pid in $load $server; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$database" ]; then
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite)
    export DATABASE_URL="sqlite://$work/portal.db"
    ;;
  postgres)
    admin_url="${2:-}"
    [[ "$admin_url" =~ ^(postgres(ql)?://[^/]+)/[^/?]*(\?.*)?$ ]] \
      || die "usage: $0 postgres postgres://user@host:port/database (an existing database to connect to)"
    database="portal_kill_$(date +%s)_$$"
    psql -q "$admin_url" -c "CREATE DATABASE \"$database\"" >/dev/null
    export DATABASE_URL="${BASH_REMATCH[1]}/$database${BASH_REMATCH[3]}"
    ;;
  *) die "usage: $0 sqlite | $0 postgres POSTGRES_ADMIN_URL" ;;
esac

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir "$work/site"
export PORTAL_ADDR="127.0.0.1:$port" PORTAL_SITE_ROOT="$work/site" PORTAL_DATA_KEY_FILE="$work/data.key" RUST_LOG=warn
export PORTAL_OUTREACH_KEY_FILE="$work/outreach.key"
# The load comes from one address with one phone: lift the limits on applications.
export PORTAL_SUBMISSIONS_PER_HOUR_PER_CLIENT=100000 PORTAL_SUBMISSIONS_PER_DAY_PER_PHONE=100000
cd "$ROOT"  # the handbook content is read from ./content
log="$work/server.log"
"$server_bin" migrate >>"$log" 2>&1 || { cat "$log" >&2; die "could not create the database"; }

now_ms() { date +%s%3N; }

start_server() {
  "$server_bin" serve >>"$log" 2>&1 &
  server=$!
  for _ in $(seq 400); do
    curl -sf "http://$PORTAL_ADDR/readyz" >/dev/null && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.05
  done
  tail -n 20 "$log" >&2
  die "the server did not come up on $PORTAL_ADDR"
}

kills=0
restarts=()
kill_and_restart() {
  kill -9 "$server"
  wait "$server" 2>/dev/null || true
  kills=$((kills + 1))
  local killed_at; killed_at=$(now_ms)
  echo "---- kill -9 number $kills ----" >>"$log"
  start_server
  restarts+=("$(( $(now_ms) - killed_at ))")
}

start_server
"$load_bin" --base "http://$PORTAL_ADDR" --duration "$seconds" --concurrency "$concurrency" \
  --acks "$work/acks.tsv" >"$work/load.out" 2>&1 &
load=$!
started=$(now_ms)
for k in $(seq $(( (seconds - 1) / interval ))); do
  wait_ms=$(( started + k * interval * 1000 - $(now_ms) ))
  if [ "$wait_ms" -gt 0 ]; then sleep "$(awk -v ms="$wait_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"; fi
  kill -0 "$load" 2>/dev/null || break
  kill_and_restart
done
load_status=0
wait "$load" || load_status=$?
load=""
# Once more after the load, so that the last acknowledgements too have been through a kill -9.
kill_and_restart

verify_status=0
"$load_bin" --verify "$DATABASE_URL" --data-key-file "$PORTAL_DATA_KEY_FILE" --acks "$work/acks.tsv" \
  >"$work/verify.out" 2>&1 || verify_status=$?

echo "submit under kill -9, $backend, $concurrency clients for $seconds s:"
sed 's/^/  /' "$work/load.out"
echo "  kill -9 runs: $kills (every $interval s under load, and once after it); ready again after: ${restarts[*]/%/ ms}"
sed 's/^/  /' "$work/verify.out"
problems="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\S+ +(ERROR|WARN) ' \
  | sed -E 's/^\S+ +//; s/request\{[^}]*\}: //' | cut -c1-200 | sort | uniq -c | sort -rn || true)"
if [ -n "$problems" ]; then
  echo "  server log, warnings and errors (count, message):"
  head -n 8 <<<"$problems" | sed 's/^/  /'
else
  echo "  server log: no warnings or errors"
fi

rate="$(sed -n 's/^submissions per second: \([0-9.]*\)$/\1/p' "$work/load.out")"
lost="$(sed -n 's/^lost: \([0-9]*\), duplicates: [0-9]*$/\1/p' "$work/verify.out")"
duplicates="$(sed -n 's/^lost: [0-9]*, duplicates: \([0-9]*\)$/\1/p' "$work/verify.out")"
no_budget "kill -9 $backend, throughput" "${rate:-not measured}" "submissions/s"
check_budget "kill -9 $backend, acknowledged submissions lost" "${lost:-not measured}" "$KILL_LOST_MAX" at-most
# Not a budget of its own, but the check of the database below fails on any.
no_budget "kill -9 $backend, stored or acknowledged twice" "${duplicates:-not measured}"

failed=0
if [ "$load_status" != 0 ]; then
  warn "the load tool failed or saw unexpected answers (exit $load_status)"
  failed=1
fi
if [ "$verify_status" != 0 ]; then
  warn "the check of the database failed: acknowledged submissions lost or duplicated, or no check (exit $verify_status)"
  failed=1
fi
exit_if_missed
exit "$failed"
