# Two portal instances over one PostgreSQL, behind nginx round-robin on loopback, with the
# S3-compatible file store and a stand-in SMS gateway: the deployment of README "Running several
# instances", made on this machine for the test command and the bench. Sourced after common.sh,
# postgres.sh (started) and s3.sh.
#
#   run_instances_check        the test: bench/several-instances.mjs with 500 submissions
#   INSTANCES_SECONDS=60 run_instances_check   the bench: load for 60 s instead
#
# Both kill one instance with SIGKILL under load and then check the database, the SMS gateway and
# the audit chain. Uses the release server (target/release/server) and the built site.

INSTANCES_STAFF_PASSWORD="several instances, one database"
# The staff accounts' authenticator secret: the check computes their sign-in codes from it.
INSTANCES_TOTP_SECRET="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_ready() {
  local url="$1" pid="$2" log="$3"
  for _ in $(seq 400); do
    curl -sf "$url/readyz" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  tail -n 30 "$log" >&2
  die "no answer from $url"
}

run_instances_check() {
  local server_bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/server"
  [ -x "$server_bin" ] || die "$server_bin is missing: build the release first"
  have nginx || die "nginx is missing (apt package nginx-light)"
  local work; work="$(mktemp -d)"
  local pids=() database="portal_instances_$(date +%s)_$$"
  local admin_url="$TEST_DATABASE_URL"
  # shellcheck disable=SC2329
  instances_cleanup() {
    local pid
    # nginx runs as a daemon: its master stops its workers on QUIT.
    if [ -f "$work/nginx/nginx.pid" ]; then
      kill -QUIT "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
    fi
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
  }
  trap instances_cleanup RETURN

  psql -q "$admin_url" -c "CREATE DATABASE \"$database\"" >/dev/null
  local database_url="${admin_url%/*}/$database"
  local bucket="portal-instances-$$"
  curl -sf -o /dev/null -X PUT "$TEST_S3_ENDPOINT/$bucket" || die "could not create the bucket $bucket"

  local sink_port port_a port_b proxy_port
  sink_port="$(free_port)"; port_a="$(free_port)"; port_b="$(free_port)"; proxy_port="$(free_port)"
  node "$ROOT/end2end/sms-sink.js" "$sink_port" >"$work/sink.log" 2>&1 &
  pids+=("$!")

  # What both instances share: the database, the data key, the outreach key (one file, made by
  # whichever instance starts first), the file store, the gateway.
  local data_key; data_key="$(head -c 32 /dev/urandom | base64)"
  local -a shared=(
    "DATABASE_URL=$database_url"
    "PORTAL_DATA_KEY=$data_key"
    "PORTAL_OUTREACH_KEY_FILE=$work/outreach.key"
    "PORTAL_SITE_ROOT=$ROOT/target/site"
    "PORTAL_CONTENT_DIR=$ROOT/content"
    "PORTAL_UPLOAD_URL=s3://$bucket/uploads"
    "AWS_ENDPOINT_URL=$TEST_S3_ENDPOINT"
    "AWS_ALLOW_HTTP=true"
    "AWS_ACCESS_KEY_ID=instances"
    "AWS_SECRET_ACCESS_KEY=instances-secret"
    "AWS_REGION=us-east-1"
    "PORTAL_TRUSTED_PROXIES=127.0.0.1/32"
    # A killed instance's claimed SMS go out from the other one after this.
    "PORTAL_SMS_LEASE_SECONDS=30"
    "PORTAL_SMS_WEBHOOK_URL=http://127.0.0.1:$sink_port/sms"
    "RUST_LOG=warn"
  )
  env "${shared[@]}" "$server_bin" migrate >"$work/migrate.log" 2>&1 \
    || { cat "$work/migrate.log" >&2; die "could not create the database"; }
  local user
  for user in "instances.caseworker caseworker" "instances.admin admin"; do
    set -- $user
    env "${shared[@]}" PORTAL_NEW_PASSWORD="$INSTANCES_STAFF_PASSWORD" \
      PORTAL_NEW_TOTP_SECRET="$INSTANCES_TOTP_SECRET" "$server_bin" create-user \
      --username "$1" --display-name "多实例$2" --role "$2" --county 任城区 >>"$work/migrate.log" 2>&1 \
      || { cat "$work/migrate.log" >&2; die "could not create the staff account $1"; }
  done

  local name port pid pid_b=""
  for name in a b; do
    port="$port_a"; [ "$name" = b ] && port="$port_b"
    env "${shared[@]}" PORTAL_ADDR="127.0.0.1:$port" "$server_bin" serve >"$work/server-$name.log" 2>&1 &
    pid="$!"
    pids+=("$pid")
    wait_ready "http://127.0.0.1:$port" "$pid" "$work/server-$name.log"
    pid_b="$pid"
  done

  mkdir -p "$work/nginx"
  cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream portal {
    server 127.0.0.1:$port_a max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$port_b max_fails=1 fail_timeout=10s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$proxy_port;
    client_max_body_size 20m;
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
    }
  }
}
EOF
  nginx -c "$work/nginx.conf" -p "$work/nginx" &
  pids+=("$!")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$proxy_port/healthz" >/dev/null && break; sleep 0.05; done

  local status=0
  INSTANCES_PROXY_URL="http://127.0.0.1:$proxy_port" \
    INSTANCES_A_URL="http://127.0.0.1:$port_a" \
    INSTANCES_B_URL="http://127.0.0.1:$port_b" \
    INSTANCES_KILL_PID="$pid_b" \
    INSTANCES_SMS_SINK_URL="http://127.0.0.1:$sink_port" \
    INSTANCES_DATABASE_URL="$database_url" \
    INSTANCES_STAFF_PASSWORD="$INSTANCES_STAFF_PASSWORD" \
    INSTANCES_TOTP_SECRET="$INSTANCES_TOTP_SECRET" \
    node "$ROOT/bench/several-instances.mjs" || status=$?

  # The audit chain of both instances, one of them killed mid-write, is one unbroken chain.
  if env "${shared[@]}" "$server_bin" audit verify >"$work/audit.log" 2>&1; then
    echo "ok   the audit chain is intact: $(tail -n 1 "$work/audit.log")"
    echo "     audit forks: 0"
  else
    echo "FAIL the audit chain: $(cat "$work/audit.log")"
    status=1
  fi
  if [ "$status" != 0 ]; then
    for name in a b; do
      echo "---- instance $name, last lines of its log" >&2
      tail -n 20 "$work/server-$name.log" >&2
    done
    # `die` leaves without returning, so the RETURN trap would not stop the servers.
    trap - RETURN
    instances_cleanup
    die "the several-instances check failed"
  fi
}
