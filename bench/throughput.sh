#!/usr/bin/env bash
# Server render throughput of a page against nginx serving the same HTML as a file, same machine,
# same wrk settings, checked against the budget in bench/budgets.env (at least RENDER_VS_NGINX_MIN
# of nginx's requests/s); exits 1 when the median ratio misses it. Usage: throughput.sh BASE_URL PATH
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/bench/budget.sh"
base="$1"; path="$2"
seconds="${BENCH_SECONDS:-10}"; connections="${BENCH_CONNECTIONS:-64}"
work="$(mktemp -d)"
trap 'nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; rm -rf "$work"' EXIT

curl -sf "$base$path" -o "$work/page.html"
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
daemon on;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port;
    root $work;
    location / { default_type text/html; try_files /page.html =404; }
  }
}
CONF
nginx -p "$work" -c nginx.conf
sleep 0.5

rate() { wrk -t2 -c"$connections" -d"${seconds}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
# wrk, nginx and the portal share two cores, so single runs swing by ~10%: alternate the two
# servers for a few rounds and report every round and the median ratio. A round whose wrk failed
# has no ratio; with none at all the figure is not measured, which misses the budget.
rounds="${BENCH_ROUNDS:-3}"
ratios=()
for round in $(seq "$rounds"); do
  portal=$(rate "$base$path") || portal=""
  static=$(rate "http://127.0.0.1:$port/") || static=""
  ratio="none"
  if is_number "$portal" && is_number "$static" && awk -v b="$static" 'BEGIN { exit !(b > 0) }'; then
    ratio=$(awk -v a="$portal" -v b="$static" 'BEGIN { printf "%.3f", a / b }')
    ratios+=("$ratio")
  fi
  echo "throughput $path round $round: portal ${portal:-?} req/s, nginx ${static:-?} req/s, ratio ${ratio}"
done
median="not measured"
if [ "${#ratios[@]}" -gt 0 ]; then
  median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
fi
check_budget "render $path, median ratio to nginx" "$median" "$RENDER_VS_NGINX_MIN" at-least
exit_if_missed
