# A private PostgreSQL server for the test suite, on loopback only, started if not running.
# Sourced after common.sh. Exports TEST_DATABASE_URL.

PG_PORT="${PORTAL_TEST_PG_PORT:-55432}"
PG_DIR="${PORTAL_TEST_PG_DIR:-/tmp/portal-test-postgres}"

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] || die "PostgreSQL server binaries are missing (apt package postgresql)"
  echo "$dir"
}

start_test_postgres() {
  local bin; bin="$(pg_bin)"
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    say "Creating a PostgreSQL cluster for the tests in $PG_DIR"
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    "${as[@]}" "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    # A server killed with the session that started it can leave a process or its lock file behind.
    "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR" stop -m immediate >/dev/null 2>&1 || true
    rm -f "$PG_DIR/postmaster.pid"
    say "Starting PostgreSQL for the tests on 127.0.0.1:$PG_PORT"
    # shared_buffers as an operator sizes it for the bureau's data (the default 128 MB holds a
    # tenth of a million residents' department records; bench/discovery.sh reads them all).
    "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c max_connections=200 -c shared_buffers=1GB" start >/dev/null
  fi
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export REQUIRE_POSTGRES=1
  # Each test makes its own database (store::testing) and leaves it; a run leaves about 2 GB.
  # Those of earlier runs go before this one starts.
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atq -c \
    "SELECT format('DROP DATABASE %I;', datname) FROM pg_database WHERE datname LIKE 'portal\_test\_%'" |
    "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q >/dev/null
}
