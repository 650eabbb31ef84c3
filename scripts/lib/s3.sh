# A private S3-compatible server (moto, from PyPI) for the file store's tests, on loopback only,
# installed into .tools/moto and started if not running. Sourced after common.sh and setup.sh. Exports
# TEST_S3_ENDPOINT and TEST_S3_BUCKET (a bucket made here), and REQUIRE_S3=1 so that a test run
# without the server fails instead of skipping the S3 half of the file store tests.

S3_PORT="${PORTAL_TEST_S3_PORT:-55433}"
S3_DIR="${PORTAL_TEST_S3_DIR:-/tmp/portal-test-s3}"
S3_BUCKET="${PORTAL_TEST_S3_BUCKET:-portal-test}"
MOTO_VERSION="5.2.5"

ensure_s3_test_server() {
  local venv="$TOOLS/moto"
  local missing=()
  have curl || missing+=(curl)
  python3 -c "import ensurepip" 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  if [ ! -x "$venv/bin/moto_server" ] || ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    say "Installing moto $MOTO_VERSION (an S3-compatible test server) into .tools/moto"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
}

# A healthy server lists its buckets; one that answers errors (say, its files were removed under
# it) does not count.
s3_answers() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$S3_PORT/" 2>/dev/null
}

start_test_s3() {
  ensure_s3_test_server
  if ! s3_answers; then
    # One left from an earlier run that no longer answers properly is stopped first.
    if [ -f "$S3_DIR/server.pid" ]; then
      kill "$(cat "$S3_DIR/server.pid")" 2>/dev/null || true
      sleep 0.5
    fi
    say "Starting an S3-compatible server (moto) for the tests on 127.0.0.1:$S3_PORT"
    mkdir -p "$S3_DIR"
    # setsid: the server outlives this script's process group, like the test PostgreSQL.
    setsid "$TOOLS/moto/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$S3_DIR/server.log" 2>&1 < /dev/null &
    echo $! > "$S3_DIR/server.pid"
    local tries=0
    until s3_answers; do
      tries=$((tries + 1))
      [ "$tries" -lt 100 ] || die "the S3 test server did not start; see $S3_DIR/server.log"
      sleep 0.2
    done
  fi
  # Creating a bucket that exists already is harmless here.
  curl -s -o /dev/null -X PUT "http://127.0.0.1:$S3_PORT/$S3_BUCKET" \
    || die "could not create the test bucket $S3_BUCKET"
  export TEST_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
  export TEST_S3_BUCKET="$S3_BUCKET"
  export REQUIRE_S3=1
}
