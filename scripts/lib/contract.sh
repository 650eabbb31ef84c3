# The contract fuzz: schemathesis over every operation of the OpenAPI document, against the real
# server on a free loopback port with a fresh SQLite database. Sourced after common.sh and
# setup.sh; `run_contract_fuzz` fails on any server error or any answer the document does not
# allow, and on any request the document forbids that the server accepts (or the reverse).

# Bounded by example counts and a fixed seed, not by the clock: the same requests every run,
# about two minutes on two cores.
CONTRACT_FUZZ_SEED="20261203"
CONTRACT_FUZZ_EXAMPLES="150"

run_contract_fuzz() {
  ensure_schemathesis
  local server="$ROOT/target/debug/server"
  if [ ! -x "$server" ]; then
    say "Building the server for the contract fuzz"
    (cd "$ROOT" && cargo build -p server --bin server)
  fi
  local dir
  dir="$(mktemp -d /tmp/portal-contract.XXXXXX)"
  mkdir -p "$dir/site"
  say "Starting the server for the contract fuzz (fresh SQLite database in $dir)"
  # Generous limits: the fuzzer is one client sending hundreds of requests, and a 429 is a
  # documented answer but tests nothing else.
  PORTAL_ADDR="127.0.0.1:0" \
    DATABASE_URL="sqlite://$dir/portal.db" \
    PORTAL_SITE_ROOT="$dir/site" \
    PORTAL_DATA_KEY_FILE="$dir/data.key" \
    PORTAL_UPLOAD_DIR="$dir/uploads" \
    PORTAL_ACCESS_CODE_ATTEMPTS_PER_MINUTE=1000 \
    PORTAL_REFERENCE_FAILURES_PER_HOUR=10000 \
    PORTAL_SUBMISSIONS_PER_HOUR_PER_CLIENT=1000000 \
    PORTAL_SUBMISSIONS_PER_DAY_PER_PHONE=1000000 \
    RUST_LOG=warn \
    "$server" >"$dir/server.log" 2>&1 &
  local pid=$!
  local address="" _
  for _ in $(seq 1 300); do
    address="$(sed -n 's|.*running at http://\([^/]*\)/.*|\1|p' "$dir/server.log" | head -n 1)"
    [ -n "$address" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$address" ]; then
    cat "$dir/server.log" >&2
    kill "$pid" 2>/dev/null || true
    die "The server for the contract fuzz did not start"
  fi
  say "Fuzzing every operation of http://$address/api/v1/openapi.json (schemathesis $SCHEMATHESIS_VERSION)"
  local status=0
  "$SCHEMATHESIS_VENV/bin/schemathesis" --no-color \
    --config-file "$ROOT/scripts/lib/schemathesis.toml" \
    run "http://$address/api/v1/openapi.json" \
    --url "http://$address" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$CONTRACT_FUZZ_EXAMPLES" \
    --seed "$CONTRACT_FUZZ_SEED" \
    --workers 2 \
    --request-timeout 30 \
    --report junit --report-dir "$dir/report" || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$status" != 0 ]; then
    warn "The server's log is in $dir/server.log"
    die "The server and its OpenAPI document disagree (schemathesis exit $status)"
  fi
  rm -rf "$dir"
}
