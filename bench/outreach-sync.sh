#!/usr/bin/env bash
# Throughput of the volunteers' offline outreach sync (POST /outreach/sync): applications per
# second, each a sealed record with one JPEG photo of about 150 KB (opened, cleaned, stored with
# its photo and SMS in one transaction, answered with a signed receipt), sent by one phone one
# record after another, then by several phones at once. ARCHITECTURE.md gives it no budget: the
# figures print as such. Fails when a receipt does not verify or the database does not hold each
# application and photo exactly once.
# Usage: outreach-sync.sh            (a fresh SQLite database and the release server)
# Needs: cargo build --release -p server --bin server --example outreach_sync_load
# BENCH_SYNC_SEQUENTIAL, BENCH_SYNC_PHONES and BENCH_SYNC_PER_PHONE change 100, 4 and 50.
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/bench/budget.sh"

sequential="${BENCH_SYNC_SEQUENTIAL:-100}"
phones="${BENCH_SYNC_PHONES:-4}"
per_phone="${BENCH_SYNC_PER_PHONE:-50}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
server_bin="$target/release/server"
load_bin="$target/release/examples/outreach_sync_load"
for bin in "$server_bin" "$load_bin"; do
  [ -x "$bin" ] || die "$bin is missing: cargo build --release -p server --bin server --example outreach_sync_load"
done

work="$(mktemp -d)"
server=""
# shellcheck disable=SC2317  # run by the trap below
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir "$work/site"
export DATABASE_URL="sqlite://$work/portal.db" PORTAL_ADDR="127.0.0.1:$port" PORTAL_SITE_ROOT="$work/site"
export PORTAL_DATA_KEY_FILE="$work/data.key" PORTAL_OUTREACH_KEY_FILE="$work/outreach.key"
export PORTAL_UPLOAD_DIR="$work/uploads" RUST_LOG=warn
# Every record has its own applicant phone; the phones sign in once each. Lift the other limits.
export PORTAL_OUTREACH_SYNCS_PER_HOUR_PER_VOLUNTEER=100000 PORTAL_SUBMISSIONS_PER_DAY_PER_PHONE=100000
export PORTAL_LOGIN_ATTEMPTS_PER_MINUTE=1000
cd "$ROOT"  # the handbook content is read from ./content
log="$work/server.log"
"$server_bin" migrate >>"$log" 2>&1 || { cat "$log" >&2; die "could not create the database"; }
"$server_bin" serve >>"$log" 2>&1 &
server=$!
up=0
# The first start makes the outreach key (RSA-3072): a second or two.
for _ in $(seq 600); do
  if curl -sf "http://$PORTAL_ADDR/readyz" >/dev/null; then up=1; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.05
done
[ "$up" = 1 ] || { tail -n 20 "$log" >&2; die "the server did not come up on $PORTAL_ADDR"; }

load_status=0
"$load_bin" --base "http://$PORTAL_ADDR" --database-url "$DATABASE_URL" --data-key-file "$PORTAL_DATA_KEY_FILE" \
  --sequential "$sequential" --phones "$phones" --per-phone "$per_phone" >"$work/load.out" 2>&1 || load_status=$?

echo "outreach sync, SQLite, $(nproc) cores:"
sed 's/^/  /' "$work/load.out"
problems="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\S+ +(ERROR|WARN) ' | grep -v 'created a new' \
  | sed -E 's/^\S+ +//; s/request\{[^}]*\}: //' | cut -c1-200 | sort | uniq -c | sort -rn || true)"
if [ -n "$problems" ]; then
  echo "  server log, warnings and errors (count, message):"
  head -n 8 <<<"$problems" | sed 's/^/  /'
fi

rate() { sed -n "s/^$1: .* applications per second: \([0-9.]*\) .*/\1/p" "$work/load.out"; }
p99() { sed -n "s/^$1: .* p99 \([0-9]*\) ms.*/\1/p" "$work/load.out"; }
no_budget "outreach sync, sequential" "$(rate 'sequential, 1 phone' | grep . || echo 'not measured')" "applications/s"
no_budget "outreach sync, sequential p99" "$(p99 'sequential, 1 phone' | grep . || echo 'not measured')" ms
no_budget "outreach sync, $phones phones at once" "$(rate "concurrent, $phones phones" | grep . || echo 'not measured')" "applications/s"
no_budget "outreach sync, $phones phones p99" "$(p99 "concurrent, $phones phones" | grep . || echo 'not measured')" ms

if [ "$load_status" != 0 ]; then
  warn "the load tool failed, a receipt did not verify, or the database does not hold each record once (exit $load_status)"
  exit 1
fi
exit_if_missed
